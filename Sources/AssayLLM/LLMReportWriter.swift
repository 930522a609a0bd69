import AssayCore

/// Writes a report's summary, strengths and areas to improve with a model.
///
/// One call, and one repair when the answer is invalid; a second invalid answer throws
/// ``LLMError/invalidAnswer(_:)``, and the caller keeps the report's template words.
///
/// ```swift
/// let (narrative, calls) = try await LLMReportWriter(client: client).write(for: report)
/// ```
public struct LLMReportWriter: Sendable {
    private let client: ChatCompletionsClient

    public init(client: ChatCompletionsClient) {
        self.client = client
    }

    /// The narrative for this report, and the model calls made for it.
    public func write(for report: Report) async throws -> (narrative: ReportNarrative, calls: [ModelCall]) {
        let prompt = ReportNarrativePrompt(report: report)
        let (narrative, calls) = try await client.completeValidated(
            prompt.messages, repair: prompt.repair, schemaName: ReportNarrativePrompt.schemaName,
            schema: prompt.schema, purpose: ("write", "report")
        ) { reply throws(LLMError) in
            try ReportNarrative(validating: reply)
        }
        return (narrative, calls)
    }
}
