import AssayCore
import Testing

@Suite("Answer JSON")
struct AnswerDecodingTests {
    @Test(
        "strings, arrays of strings and numbers decode",
        arguments: [
            (#""b""#, AnswerValue.text("b")),
            (#"["a", "c"]"#, .choices(["a", "c"])),
            ("[]", .choices([])),
            ("3.14", .number(3.14)),
            ("-2", .number(-2)),
            ("0", .number(0)),
        ]
    )
    func decodes(json: String, expected: AnswerValue) throws {
        let answer = try TestFixtures.decode(Answer.self, from: #"{"question_id": "q1", "answer": \#(json)}"#)
        #expect(answer == Answer(questionID: "q1", answer: expected))
        #expect(try TestFixtures.decode(Answer.self, from: TestFixtures.encodedText(answer)) == answer)
    }

    @Test(
        "anything else fails with a message saying what it got",
        arguments: [
            ("true", "a boolean"),
            ("false", "a boolean"),
            ("null", "null"),
            (#"{"text": "b"}"#, "an object"),
            (#"["a", 1]"#, "an array holding something other than strings"),
            ("[[]]", "an array holding something other than strings"),
        ]
    )
    func rejects(json: String, got: String) {
        let error = #expect(throws: DecodingError.self) {
            try TestFixtures.decode(Answer.self, from: #"{"question_id": "q1", "answer": \#(json)}"#)
        }
        #expect(
            TestFixtures.debugDescription(of: error)
                == "an answer must be a string, an array of strings or a number, not \(got)")
    }

    @Test("a submission decodes from the DESIGN.md form")
    func submission() throws {
        let content = try TestFixtures.decode(
            SubmissionContent.self,
            from: """
                {"candidate": {"name": "Ada", "email": "ada@example.com"},
                 "answers": [{"question_id": "q1", "answer": "b"}, {"question_id": "q2", "answer": ["a", "c"]},
                             {"question_id": "q3", "answer": 3.14}]}
                """)
        #expect(content.candidate == Candidate(name: "Ada", email: "ada@example.com"))
        #expect(content.answers.map(\.answer) == [.text("b"), .choices(["a", "c"]), .number(3.14)])
        #expect(content.answer(to: "q2") == .choices(["a", "c"]))
        #expect(content.answer(to: "q4") == nil)
    }
}
