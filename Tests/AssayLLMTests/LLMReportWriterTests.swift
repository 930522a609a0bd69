import AssayCore
import AssayLLM
import AssayTestSupport
import Foundation
import Testing

@Suite("LLM report writer against a stub chat-completions server")
struct LLMReportWriterTests {
    private static let report: Report = {
        let content = Fixtures.submission()
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: Fixtures.assessment.id, scorer: "llm",
            questions: RubricScorer().score(content, for: Fixtures.assessment),
            evaluatedAt: Date(timeIntervalSince1970: 0))
        return ReportBuilder.build(
            submissionID: "s1", assessment: Fixtures.assessment, content: content, evaluation: evaluation,
            generatedAt: Date(timeIntervalSince1970: 0))
    }()

    private static let narrative = StubReply.completion(
        #"{"summary": "You passed.", "strengths": ["Constants."], "improvements": ["Actors.", "Isolation."]}"#
    )

    @Test("a valid narrative comes back with the call's tokens and latency")
    func validNarrative() async throws {
        try await ChatStub.run([Self.narrative]) { stub, baseURL in
            let client = ChatCompletionsClient(settings: Fixtures.settings(baseURL: baseURL))
            let (narrative, calls) = try await LLMReportWriter(client: client).write(for: Self.report)
            #expect(
                narrative
                    == ReportNarrative(
                        summary: "You passed.", strengths: ["Constants."],
                        improvements: ["Actors.", "Isolation."]))
            #expect(calls.map(\.purpose) == ["write report"])
            #expect(calls[0].promptTokens == 120 && calls[0].completionTokens == 30)
            #expect(calls[0].latencyMilliseconds >= 0)
            let request = stub.received[0].messageContents
            #expect(request[1].hasPrefix("<report>\n{"))
            #expect(request[1].contains(#""question":"Why use an actor?""#))
        }
    }

    @Test("two invalid narratives fail, so the caller keeps the template")
    func invalidTwice() async throws {
        let invalid = StubReply.completion(#"{"summary": " ", "strengths": ["", "a", "b", "c", "d", "e"]}"#)
        try await ChatStub.run([invalid]) { stub, baseURL in
            let client = ChatCompletionsClient(settings: Fixtures.settings(baseURL: baseURL))
            let error = await #expect(throws: LLMError.self) {
                try await LLMReportWriter(client: client).write(for: Self.report)
            }
            #expect(
                error
                    == .invalidAnswer(
                        "\"summary\" is missing; \"strengths\" has more than 5 items; \"strengths\" has an empty "
                            + "item; \"improvements\" is missing"))
            #expect(stub.received.count == 2)
        }
    }
}
