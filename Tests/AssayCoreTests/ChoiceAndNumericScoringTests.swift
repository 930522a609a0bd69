import AssayCore
import Testing

@Suite("Rubric scoring: choices and numbers")
struct ChoiceAndNumericScoringTests {
    private let scorer = RubricScorer()

    @Test("the rubric scorer is called rubric")
    func name() {
        #expect(scorer.name == "rubric")
    }

    @Test("single choice is all or nothing")
    func singleChoice() {
        #expect(
            scorer.scoreQuestion(TestFixtures.singleChoice, answer: .text("b"))
                == QuestionScore(questionID: "q1", points: 1, maxPoints: 1, feedback: "Correct."))
        #expect(
            scorer.scoreQuestion(TestFixtures.singleChoice, answer: .text("c"))
                == QuestionScore(
                    questionID: "q1", points: 0, maxPoints: 1,
                    feedback: "Incorrect: chose c; the correct option is b."))
    }

    @Test(
        "multiple choice earns points × max(0, right − wrong) / correct",
        arguments: [
            (["a", "b", "c"], 3.0, "Correct."),
            (["c", "b", "a"], 3.0, "Correct."),
            (["a", "b"], 2.0, "2 of 3 correct options chosen."),
            (["a"], 1.0, "1 of 3 correct options chosen."),
            (["a", "b", "c", "d"], 2.0, "3 of 3 correct options chosen, 1 wrong."),
            (["a", "b", "d"], 1.0, "2 of 3 correct options chosen, 1 wrong."),
            (["a", "d"], 0.0, "1 of 3 correct options chosen, 1 wrong."),
            (["d"], 0.0, "0 of 3 correct options chosen, 1 wrong."),
        ]
    )
    func multipleChoice(chosen: [String], points: Double, feedback: String) {
        let score = scorer.scoreQuestion(TestFixtures.multipleChoice, answer: .choices(chosen))
        #expect(score == QuestionScore(questionID: "q2", points: points, maxPoints: 3, feedback: feedback))
    }

    @Test("wrong picks beyond the right ones floor the score at 0, never below")
    func multipleChoiceFloor() {
        let question = Question(
            id: "m", prompt: "Pick a.", points: 2,
            body: .multipleChoice(options: TestFixtures.options, correct: ["a"]))
        let score = scorer.scoreQuestion(question, answer: .choices(["a", "b", "c", "d"]))
        #expect(score.points == 0)
        #expect(score.feedback == "1 of 1 correct options chosen, 3 wrong.")
    }

    @Test("partial multiple-choice points are rounded to two decimals")
    func multipleChoiceRounding() {
        let question = Question(
            id: "m", prompt: "Pick a, b and c.", points: 2,
            body: .multipleChoice(options: TestFixtures.options, correct: ["a", "b", "c"]))
        #expect(scorer.scoreQuestion(question, answer: .choices(["a"])).points == 0.67)
        #expect(scorer.scoreQuestion(question, answer: .choices(["a", "b"])).points == 1.33)
    }

    @Test(
        "numeric answers count within the tolerance, bounds included",
        arguments: [
            (3.14, "Correct."),
            (3.13, "Correct."),
            (3.15, "Correct."),
            (3.1299, "Incorrect: 3.1299 is not within 0.01 of 3.14."),
            (3.1501, "Incorrect: 3.1501 is not within 0.01 of 3.14."),
            (-3.14, "Incorrect: -3.14 is not within 0.01 of 3.14."),
            (0, "Incorrect: 0 is not within 0.01 of 3.14."),
        ]
    )
    func numeric(given: Double, feedback: String) {
        let score = scorer.scoreQuestion(TestFixtures.numeric, answer: .number(given))
        #expect(score.points == (feedback == "Correct." ? 1 : 0))
        #expect(score.feedback == feedback)
    }

    @Test("a numeric answer with no tolerance must be exact")
    func numericExact() {
        let question = Question(
            id: "n", prompt: "7 / 2 with Ints?", points: 2, body: .numeric(answer: 3, tolerance: 0))
        #expect(scorer.scoreQuestion(question, answer: .number(3)).points == 2)
        let wrong = scorer.scoreQuestion(question, answer: .number(3.5))
        #expect(
            wrong
                == QuestionScore(
                    questionID: "n", points: 0, maxPoints: 2, feedback: "Incorrect: 3.5 is not 3."))
    }

    @Test("the tolerance of a large answer allows for floating-point error")
    func numericLarge() {
        let question = Question(
            id: "n", prompt: "Seconds in a year?", points: 1,
            body: .numeric(answer: 31_557_600, tolerance: 86_400))
        #expect(scorer.scoreQuestion(question, answer: .number(31_557_600 + 86_400)).points == 1)
        #expect(scorer.scoreQuestion(question, answer: .number(31_557_600 - 86_400)).points == 1)
        #expect(scorer.scoreQuestion(question, answer: .number(31_557_600 + 86_401)).points == 0)
    }

    @Test(
        "an empty or missing answer scores 0 as not answered",
        arguments: [
            (TestFixtures.singleChoice, nil as AnswerValue?),
            (TestFixtures.singleChoice, .text("  ")),
            (TestFixtures.multipleChoice, .choices([])),
            (TestFixtures.numeric, nil),
            (TestFixtures.shortText, .text("")),
            (TestFixtures.freeText, .text("\n")),
        ]
    )
    func notAnswered(question: Question, answer: AnswerValue?) {
        #expect(
            scorer.scoreQuestion(question, answer: answer)
                == QuestionScore(
                    questionID: question.id, points: 0, maxPoints: question.points, feedback: "Not answered.")
        )
    }

    @Test("an answer of the wrong type scores 0 and says what was expected")
    func wrongType() {
        let score = scorer.scoreQuestion(TestFixtures.multipleChoice, answer: .text("a"))
        #expect(score.points == 0)
        #expect(score.feedback == "Not scored: a multiple_choice question expects an array of option ids.")
    }
}
