import AssayCore
import Testing

@Suite("Assessment validation")
struct AssessmentValidationTests {
    struct Breakage: Sendable, CustomTestStringConvertible {
        let message: String
        let breakAssessment: @Sendable (inout Assessment) -> Void

        init(_ message: String, _ breakAssessment: @escaping @Sendable (inout Assessment) -> Void) {
            self.message = message
            self.breakAssessment = breakAssessment
        }

        var testDescription: String { message }
    }

    private static let options = TestFixtures.options

    private static func body(of index: Int, _ body: QuestionBody) -> @Sendable (inout Assessment) -> Void {
        { $0.questions[index].body = body }
    }

    private static func rubric(_ criteria: RubricCriterion...) -> QuestionBody {
        .freeText(rubric: criteria)
    }

    static let breakages: [Breakage] = [
        Breakage("assessment id 'Swift Basics' must be 1 to 64 characters of a-z, 0-9 and '-'") {
            $0.id = "Swift Basics"
        },
        Breakage("assessment id '' must be 1 to 64 characters of a-z, 0-9 and '-'") { $0.id = "" },
        Breakage(
            "assessment id '\(String(repeating: "a", count: 65))' must be 1 to 64 characters of a-z, 0-9 and '-'"
        ) {
            $0.id = String(repeating: "a", count: 65)
        },
        Breakage("assessment 'sample' needs a title") { $0.title = "  " },
        Breakage("assessment 'sample': passing_percent must be from 0 to 100, not 100.5") {
            $0.passingPercent = 100.5
        },
        Breakage("assessment 'sample': passing_percent must be from 0 to 100, not -1") {
            $0.passingPercent = -1
        },
        Breakage("assessment 'sample' needs at least one question") { $0.questions = [] },
        Breakage("assessment 'sample': the questions' points add up to more than 1000000") {
            $0.questions[0].points = 1e308
            $0.questions[1].points = 1e308
        },
        Breakage("question id 'q1' is used more than once in assessment 'sample'") {
            $0.questions[1].id = "q1"
        },
        Breakage("question id 'q 1' must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'") {
            $0.questions[0].id = "q 1"
        },
        Breakage("question id '' must be 1 to 64 characters of A-Z, a-z, 0-9, '_' and '-'") {
            $0.questions[0].id = ""
        },
        Breakage("question 'q1' needs a prompt") { $0.questions[0].prompt = "\n" },
        Breakage("question 'q1': points must be a number above 0, not 0") { $0.questions[0].points = 0 },
        Breakage("question 'q1': points must be a number above 0, not -2") { $0.questions[0].points = -2 },
        Breakage("question 'q1': points must be a number above 0, not inf") {
            $0.questions[0].points = .infinity
        },
        Breakage("question 'q1' has an empty skill name") { $0.questions[0].skills = ["swift", " "] },
        Breakage(
            "question 'q1' (single_choice) needs at least 2 options, not 1",
            body(of: 0, .singleChoice(options: [options[1]], correct: "b"))),
        Breakage(
            "question 'q1' has option id 'a' more than once",
            body(of: 0, .singleChoice(options: [options[0], options[1], options[0]], correct: "b"))),
        Breakage(
            "question 'q1' has an option with an empty id",
            body(of: 0, .singleChoice(options: options + [ChoiceOption(id: "", text: "E")], correct: "b"))),
        Breakage(
            "question 'q1': correct option 'z' is not one of its options",
            body(of: 0, .singleChoice(options: options, correct: "z"))),
        Breakage(
            "question 'q2' (multiple_choice) needs at least 2 options, not 0",
            body(of: 1, .multipleChoice(options: [], correct: ["a"]))),
        Breakage(
            "question 'q2' (multiple_choice) needs at least one correct option",
            body(of: 1, .multipleChoice(options: options, correct: []))),
        Breakage(
            "question 'q2': correct option 'e' is not one of its options",
            body(of: 1, .multipleChoice(options: options, correct: ["a", "e"]))),
        Breakage(
            "question 'q2' lists correct option 'a' more than once",
            body(of: 1, .multipleChoice(options: options, correct: ["a", "b", "a"]))),
        Breakage(
            "question 'q3' (numeric): tolerance must be 0 or more, not -0.1",
            body(of: 2, .numeric(answer: 3.14, tolerance: -0.1))),
        Breakage(
            "question 'q3' (numeric): tolerance must be 0 or more, not inf",
            body(of: 2, .numeric(answer: 3.14, tolerance: .infinity))),
        Breakage(
            "question 'q3' (numeric): answer must be a finite number",
            body(of: 2, .numeric(answer: .nan, tolerance: 0))),
        Breakage(
            "question 'q4' (short_text) needs at least one accepted answer",
            body(of: 3, .shortText(accepted: []))),
        Breakage(
            "question 'q4' (short_text) has an empty accepted answer",
            body(of: 3, .shortText(accepted: ["let", " "]))),
        Breakage(
            "question 'q5' (free_text) needs a rubric with at least one criterion", body(of: 4, rubric())),
        Breakage(
            "question 'q5' has rubric criterion 'c1' more than once",
            body(
                of: 4,
                rubric(
                    RubricCriterion(id: "c1", description: "", points: 3, keywords: ["actor"]),
                    RubricCriterion(id: "c1", description: "", points: 2, keywords: ["race"])))),
        Breakage(
            "question 'q5' has a rubric criterion with an empty id",
            body(of: 4, rubric(RubricCriterion(id: "", description: "", points: 5, keywords: ["actor"])))),
        Breakage(
            "criterion 'c1' of question 'q5' needs at least one keyword",
            body(of: 4, rubric(RubricCriterion(id: "c1", description: "", points: 5, keywords: [])))),
        Breakage(
            "criterion 'c1' of question 'q5' has an empty keyword",
            body(
                of: 4, rubric(RubricCriterion(id: "c1", description: "", points: 5, keywords: ["actor", ""])))
        ),
        Breakage(
            "criterion 'c2' of question 'q5': points must be a number above 0, not 0",
            body(
                of: 4,
                rubric(
                    RubricCriterion(id: "c1", description: "", points: 5, keywords: ["actor"]),
                    RubricCriterion(id: "c2", description: "", points: 0, keywords: ["race"])))),
        Breakage(
            "question 'q5': its rubric's points add up to 4, not the question's 5",
            body(
                of: 4,
                rubric(
                    RubricCriterion(id: "c1", description: "", points: 3, keywords: ["actor"]),
                    RubricCriterion(id: "c2", description: "", points: 1, keywords: ["race"])))),
    ]

    @Test("each broken rule is reported with its code and the offending id", arguments: breakages)
    func brokenRule(_ breakage: Breakage) {
        var assessment = TestFixtures.assessment
        breakage.breakAssessment(&assessment)
        let error = #expect(throws: ValidationError.self) { try assessment.validate() }
        #expect(error == ValidationError(code: "invalid_assessment", message: breakage.message))
    }

    @Test("the fixture itself is valid, and so are the bounds of each range")
    func validAtTheBounds() throws {
        try TestFixtures.assessment.validate()
        var assessment = TestFixtures.assessment
        assessment.id = String(repeating: "a", count: 64)
        assessment.passingPercent = 0
        assessment.questions[0].id = String(repeating: "Q", count: 63) + "_"
        assessment.questions[2].body = .numeric(answer: -1, tolerance: 0)
        try assessment.validate()
        assessment.passingPercent = 100
        try assessment.validate()
    }

    @Test("rubric points that add up only up to floating-point error are accepted")
    func rubricSumWithRounding() throws {
        var assessment = TestFixtures.assessment
        assessment.questions[4].points = 0.3
        assessment.questions[4].body = .freeText(rubric: [
            RubricCriterion(id: "c1", description: "", points: 0.1, keywords: ["a"]),
            RubricCriterion(id: "c2", description: "", points: 0.2, keywords: ["b"]),
        ])
        try assessment.validate()
    }

    @Test("maxPoints is the sum of the questions' points")
    func maxPoints() {
        #expect(TestFixtures.assessment.maxPoints == 11)
    }

    @Test("the error's description has the code and the message")
    func description() {
        let error = ValidationError(
            code: "unknown_question", message: "question 'q9' is not in assessment 'x'")
        #expect("\(error)" == "unknown_question: question 'q9' is not in assessment 'x'")
    }
}
