import AssayCore
import Foundation
import Testing

@Suite("Stored documents written directly: the same bytes as JSONEncoder's")
struct DocumentEncodingTests {
    // Every control character, the characters JSON escapes, a slash, and text beyond ASCII.
    static let awkwardTexts: [String] = [
        "", "plain", "quote \" and backslash \\ and slash /", "é, e\u{301}, 漢字, 🇫🇷, \u{2028}\u{2029}\u{7F}",
        String((0..<0x20).map { Character(Unicode.Scalar(UInt8($0))) }), "tab\there\nnew\r\n line",
    ]
    static let awkwardNumbers: [Double] = [
        0, -0.0, 1, -1, 0.1, 0.67, 2.5, 3.33, 66.7, 90.9, 100, 1e-7, 1e15, 1e16, 1e21, 123_456_789.125,
        .ulpOfOne, .leastNonzeroMagnitude, 1.7976931348623157e300,
    ]
    static let dates = [
        Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_750_000_000.5),
        Date(timeIntervalSince1970: 1_764_489_600.2506), Date(timeIntervalSince1970: 1_764_489_600.9999),
    ]

    private func oldBytes(_ value: some Encodable) throws -> Data {
        try AssayJSON.encoder().encode(value)
    }

    @Test("a submission's content", arguments: awkwardTexts)
    func content(text: String) throws {
        let content = SubmissionContent(
            candidate: Candidate(name: "Ada \(text)", email: text),
            answers: [
                Answer(questionID: text, answer: .text(text)),
                Answer(questionID: "q2", answer: .choices([text, "b"])),
                Answer(questionID: "q3", answer: .choices([])),
            ] + Self.awkwardNumbers.map { Answer(questionID: "n", answer: .number($0)) })
        let written = try AssayJSON.encode(content)
        #expect(
            String(decoding: written, as: UTF8.self) == String(decoding: try oldBytes(content), as: UTF8.self)
        )
        let readBack = try AssayJSON.decoder().decode(SubmissionContent.self, from: written)
        #expect(readBack == content)
    }

    @Test("an evaluation, with and without model calls", arguments: zip(awkwardTexts, dates + dates))
    func evaluation(text: String, date: Date) throws {
        let scores = Self.awkwardNumbers.map {
            QuestionScore(questionID: "q\(text)", points: $0, maxPoints: $0, feedback: text)
        }
        let calls = [
            ModelCall(
                purpose: text, model: "m", promptTokens: 12, completionTokens: nil, latencyMilliseconds: 7),
            ModelCall(
                purpose: "p", model: text, promptTokens: nil, completionTokens: 3, latencyMilliseconds: 0),
        ]
        for modelCalls in [nil, [], calls] {
            let evaluation = Evaluation(
                submissionID: text, assessmentID: "a", scorer: text, questions: scores, evaluatedAt: date,
                modelCalls: modelCalls)
            let written = try AssayJSON.encode(evaluation)
            #expect(
                String(decoding: written, as: UTF8.self)
                    == String(decoding: try oldBytes(evaluation), as: UTF8.self))
        }
    }

    @Test("a report, with and without a model", arguments: zip(awkwardTexts, dates + dates))
    func report(text: String, date: Date) throws {
        for (index, number) in Self.awkwardNumbers.enumerated() {
            let report = Report(
                submissionID: text, assessmentID: "a", assessmentTitle: text,
                candidate: Candidate(name: text, email: "e@x"), totalPoints: number, maxPoints: 11,
                percent: number, passingPercent: 70, passed: index.isMultiple(of: 2),
                questions: [
                    ReportQuestion(
                        questionID: "q1", prompt: text, points: number, maxPoints: 1, feedback: text)
                ],
                skills: [SkillScore(skill: text, points: number, maxPoints: 3, percent: 66.7)],
                strengths: [text, "b"], improvements: index.isMultiple(of: 3) ? [] : [text], summary: text,
                scorer: "llm", model: index.isMultiple(of: 2) ? nil : text,
                modelCalls: index.isMultiple(of: 2)
                    ? nil
                    : [
                        ModelCall(
                            purpose: "p", model: "m", promptTokens: 1, completionTokens: 2,
                            latencyMilliseconds: 3)
                    ],
                generatedAt: date)
            let written = try AssayJSON.encode(report)
            #expect(
                String(decoding: written, as: UTF8.self)
                    == String(decoding: try oldBytes(report), as: UTF8.self))
        }
    }

    @Test("a number JSON cannot hold is refused, as JSONEncoder refuses it")
    func nonFinite() {
        let evaluation = Evaluation(
            submissionID: "s", assessmentID: "a", scorer: "rubric",
            questions: [QuestionScore(questionID: "q", points: .nan, maxPoints: 1, feedback: "")],
            evaluatedAt: Date(timeIntervalSince1970: 0))
        #expect(throws: EncodingError.self) { try AssayJSON.encode(evaluation) }
    }
}
