import AssayCore
import Foundation
import Testing

@Suite("Stored documents read directly: the same values and errors as JSONDecoder's")
struct DocumentDecodingTests {
    static let contentDocuments: [String] = [
        #"{"answers":[{"answer":"b","question_id":"q1"},{"answer":["a","c"],"question_id":"q2"},"#
            + #"{"answer":3.33,"question_id":"q3"},{"answer":[],"question_id":"q4"}],"#
            + #""candidate":{"email":"ada@example.com","name":"Ada Lovelace"}}"#,
        // As PostgreSQL's jsonb gives it back: spaces, and keys ordered by length.
        #"{"answers": [{"answer": " let ", "question_id": "q4"}, {"answer": -0, "question_id": "n"}], "#
            + #""candidate": {"name": "  Ada\t", "email": "a@b"}}"#,
        #"{"candidate":{"name":"\u00e9\ud83c\uddeb\ud83c\uddf7 \"q\" \\ \/ \b\f\n\r\t","email":"x@y","extra":1},"#
            + #""answers":[{"question_id":"é","answer":"e\u0301 \u2028","more":[null,true,{}]}],"unknown":{"a":[]}}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[{"question_id":"q","answer":1e300},"#
            + #"{"question_id":"r","answer":12345678901234567890},{"question_id":"s","answer":-1.5E-7}]}"#,
        // Shapes the decoder refuses, each with its own error.
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[{"question_id":"q","answer":true}]}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[{"question_id":"q","answer":null}]}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[{"question_id":"q","answer":["a",1]}]}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[{"question_id":"q","answer":{"a":1}}]}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[{"question_id":"q","answer":1e999}]}"#,
        #"{"candidate":{"name":"A"},"answers":[]}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[{"answer":"b"}]}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":{}}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[],"answers":[]}"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[]} x"#,
        #"{"candidate":{"name":"A","email":"a@b"},"answers":[01]}"#,
        #"{"candidate":{"name":"A\u0000","email":"a@b"},"answers":[]}"#,
        #"{"candidate":{"name":"A\ud800","email":"a@b"},"answers":[]}"#,
        "{\"candidate\":{\"name\":\"A\tB\",\"email\":\"a@b\"},\"answers\":[]}",
        #"[1, 2]"#, "", "{", #"{"candidate":"#,
    ]

    static let evaluationDocuments: [String] = [
        #"{"assessment_id":"a","evaluated_at":"2026-11-30T09:52:20.387Z","max_points":11,"questions":["#
            + #"{"feedback":"Correct.","max_points":1,"points":1,"question_id":"q1"},"#
            + #"{"feedback":"2 of 2, \"1\" wrong.","max_points":2.5,"points":0.67,"question_id":"q2"}],"#
            + #""scorer":"rubric","submission_id":"s","total_points":1.67}"#,
        #"{"assessment_id": "a", "evaluated_at": "2026-11-30T09:52:20Z", "max_points": 3, "questions": [], "#
            + #""scorer": "rubric", "submission_id": "s", "total_points": 7, "model_calls": null}"#,
        #"{"assessment_id":"a","evaluated_at":"2026-11-30T09:52:20.387Z","max_points":1,"questions":[],"#
            + #""model_calls":[{"latency_ms":3,"model":"m","purpose":"p","prompt_tokens":4}],"#
            + #""scorer":"llm","submission_id":"s","total_points":1}"#,
        #"{"assessment_id":"a","evaluated_at":"yesterday","max_points":1,"questions":[],"#
            + #""scorer":"rubric","submission_id":"s","total_points":1}"#,
        #"{"assessment_id":"a","evaluated_at":"2026-11-30T09:52:20.387Z","max_points":1,"questions":[{}],"#
            + #""scorer":"rubric","submission_id":"s","total_points":1}"#,
    ]

    private func sameOutcome<T: Decodable & Equatable>(
        _ type: T.Type, _ document: String, direct: (Data) throws -> T
    ) {
        let data = Data(document.utf8)
        let expected = Result { try AssayJSON.decoder().decode(type, from: data) }
        let actual = Result { try direct(data) }
        switch (expected, actual) {
        case (.success(let expected), .success(let actual)):
            #expect(actual == expected)
        case (.failure(let expected), .failure(let actual)):
            #expect(String(describing: actual) == String(describing: expected))
        default:
            Issue.record("JSONDecoder gave \(expected), the direct read \(actual)")
        }
    }

    @Test("a submission's content", arguments: contentDocuments)
    func content(document: String) {
        sameOutcome(SubmissionContent.self, document) {
            try AssayJSON.decode(SubmissionContent.self, from: $0)
        }
    }

    @Test("an evaluation", arguments: evaluationDocuments)
    func evaluation(document: String) {
        sameOutcome(Evaluation.self, document) { try AssayJSON.decode(Evaluation.self, from: $0) }
    }

    @Test("what the writer writes reads back as the value written")
    func roundTrip() throws {
        let content = SubmissionContent(
            candidate: Candidate(name: "Ada \"A\" \u{1F}", email: "a@b"),
            answers: [
                Answer(questionID: "q1", answer: .text("e\u{301} \\ / \n")),
                Answer(questionID: "q2", answer: .choices(["a", "c"])),
                Answer(questionID: "q3", answer: .number(0.1)),
            ])
        #expect(try AssayJSON.decode(SubmissionContent.self, from: AssayJSON.encode(content)) == content)
        let evaluation = Evaluation(
            submissionID: "s", assessmentID: "a", scorer: "rubric",
            questions: [QuestionScore(questionID: "q1", points: 0.67, maxPoints: 2, feedback: "Met: c1.")],
            evaluatedAt: Date(timeIntervalSince1970: 1_764_489_600.25))
        #expect(try AssayJSON.decode(Evaluation.self, from: AssayJSON.encode(evaluation)) == evaluation)
    }
}
