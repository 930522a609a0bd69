import AssayCore

extension ChatCompletionsClient {
    /// Asks for a JSON answer and checks it; an invalid answer gets one repair request that says
    /// what was wrong, and a second invalid answer throws ``LLMError/invalidAnswer(_:)``.
    ///
    /// `repair` builds the conversation to send again from the invalid answer and its problem.
    ///
    /// Returns the checked answer and the calls made, one or two; `purpose` names the calls in the
    /// usage records, as `grade q5` and `repair q5` when `purpose` is `("grade", "q5")`.
    public func completeValidated<Answer: Sendable>(
        _ messages: [ChatMessage],
        repair: (_ invalidAnswer: String, _ problem: String) -> [ChatMessage],
        schemaName: String,
        schema: JSONValue,
        purpose: (action: String, subject: String),
        validate: (String) throws(LLMError) -> Answer
    ) async throws -> (answer: Answer, calls: [ModelCall]) {
        let first = try await complete(
            messages, schemaName: schemaName, schema: schema, purpose: "\(purpose.action) \(purpose.subject)")
        do {
            return (try validate(first.content), [first.usage])
        } catch .invalidAnswer(let problem) {
            let second = try await complete(
                repair(first.content, problem), schemaName: schemaName, schema: schema,
                purpose: "repair \(purpose.subject)")
            return (try validate(second.content), [first.usage, second.usage])
        }
    }
}
