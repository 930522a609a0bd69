import AssayCore
import Testing

@Suite("Submission validation")
struct SubmissionValidationTests {
    private let assessment = TestFixtures.assessment

    private func validationError(_ content: SubmissionContent) -> ValidationError? {
        #expect(throws: ValidationError.self) { try content.validate(against: assessment) }
    }

    @Test("a complete, well-typed submission is valid, and so is an empty one")
    func valid() throws {
        let full = TestFixtures.content([
            "q1": .text("b"), "q2": .choices(["a", "d"]), "q3": .number(3), "q4": .text(" LET "),
            "q5": .text(String(repeating: "x", count: 20_000)),
        ])
        try full.validate(against: assessment)
        try TestFixtures.content([:]).validate(against: assessment)
    }

    @Test("an answer to a question the assessment lacks")
    func unknownQuestion() {
        let error = validationError(TestFixtures.content(["q9": .text("b")]))
        #expect(
            error
                == ValidationError(
                    code: "unknown_question", message: "question 'q9' is not in assessment 'sample'"))
    }

    @Test("two answers to one question")
    func duplicateAnswer() {
        let content = SubmissionContent(
            candidate: TestFixtures.candidate,
            answers: [
                Answer(questionID: "q1", answer: .text("a")), Answer(questionID: "q1", answer: .text("b")),
            ]
        )
        #expect(
            validationError(content)
                == ValidationError(
                    code: "duplicate_answer", message: "question 'q1' is answered more than once"))
    }

    @Test("the same option picked twice")
    func duplicateChoice() {
        #expect(
            validationError(TestFixtures.content(["q2": .choices(["a", "b", "a"])]))
                == ValidationError(
                    code: "duplicate_answer",
                    message: "the answer to question 'q2' picks option 'a' more than once"))
    }

    @Test(
        "an answer of the wrong type for its kind",
        arguments: [
            (
                "q1", AnswerValue.choices(["b"]),
                "question 'q1' (single_choice) expects a string (an option id)"
            ),
            ("q1", .number(1), "question 'q1' (single_choice) expects a string (an option id)"),
            ("q2", .text("a"), "question 'q2' (multiple_choice) expects an array of option ids"),
            ("q3", .text("3.14"), "question 'q3' (numeric) expects a number"),
            ("q3", .number(.infinity), "question 'q3' (numeric) expects a number"),
            ("q3", .number(.nan), "question 'q3' (numeric) expects a number"),
            ("q4", .choices(["let"]), "question 'q4' (short_text) expects a string"),
            ("q5", .number(42), "question 'q5' (free_text) expects a string"),
        ]
    )
    func wrongType(questionID: String, answer: AnswerValue, message: String) {
        #expect(
            validationError(TestFixtures.content([questionID: answer]))
                == ValidationError(code: "wrong_answer_type", message: message))
    }

    @Test(
        "a choice that is not an option of its question",
        arguments: [("q1", AnswerValue.text("z")), ("q2", .choices(["a", "z"])), ("q1", .text("B"))]
    )
    func unknownOption(questionID: String, answer: AnswerValue) {
        let error = validationError(TestFixtures.content([questionID: answer]))
        #expect(error?.code == "unknown_option")
        #expect(error?.message.hasSuffix("is not an option of question '\(questionID)'") == true)
    }

    @Test("a text answer over 20 000 characters")
    func tooLong() {
        let error = validationError(
            TestFixtures.content(["q5": .text(String(repeating: "x", count: 20_001))]))
        #expect(
            error
                == ValidationError(
                    code: "answer_too_long",
                    message: "the answer to question 'q5' is longer than 20000 characters"))
    }

    @Test(
        "a candidate without a usable name or email",
        arguments: [
            (Candidate(name: "  ", email: "ada@example.com"), "the candidate's name is empty"),
            (
                Candidate(name: String(repeating: "a", count: 201), email: "ada@example.com"),
                "the candidate's name is longer than 200 characters"
            ),
            (
                Candidate(name: "Ada", email: "ada.example.com"),
                "the candidate's email 'ada.example.com' is not an address like name@example.com"
            ),
            (
                Candidate(name: "Ada", email: "ada@@example.com"),
                "the candidate's email 'ada@@example.com' is not an address like name@example.com"
            ),
            (
                Candidate(name: "Ada", email: "@example.com"),
                "the candidate's email '@example.com' is not an address like name@example.com"
            ),
            (
                Candidate(name: "Ada", email: "ada@"),
                "the candidate's email 'ada@' is not an address like name@example.com"
            ),
            (
                Candidate(name: "Ada", email: "a da@example.com"),
                "the candidate's email 'a da@example.com' is not an address like name@example.com"
            ),
            (
                Candidate(name: "Ada", email: String(repeating: "a", count: 309) + "@example.com"),
                "the candidate's email is longer than 320 characters"
            ),
        ]
    )
    func badCandidate(candidate: Candidate, message: String) {
        #expect(
            validationError(TestFixtures.content([:], candidate: candidate))
                == ValidationError(code: "invalid_candidate", message: message))
    }

    @Test("names and emails at their length limits are fine, and surrounding white space is ignored")
    func candidateAtLimits() throws {
        let candidate = Candidate(
            name: " " + String(repeating: "a", count: 200) + " ",
            email: String(repeating: "a", count: 308) + "@example.com"
        )
        try TestFixtures.content([:], candidate: candidate).validate(against: assessment)
    }
}
