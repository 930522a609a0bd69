import AssayCore
import Testing

@Suite("Rubric scoring: short and free text")
struct TextScoringTests {
    private let scorer = RubricScorer()

    @Test(
        "short text matches an accepted answer ignoring case and surrounding white space",
        arguments: [
            ("let", true), ("LET", true), ("  Let\n", true), ("\tlet ", true),
            ("var", false), ("l et", false), ("let x", false), ("lets", false),
        ]
    )
    func shortText(given: String, correct: Bool) {
        let score = scorer.scoreQuestion(TestFixtures.shortText, answer: .text(given))
        #expect(score.points == (correct ? 1 : 0))
        #expect(score.feedback == (correct ? "Correct." : #"Incorrect: expected "let"."#))
    }

    @Test("any of several accepted answers counts, however the accepted answer is written")
    func shortTextSeveralAccepted() {
        let question = Question(
            id: "s", prompt: "Swift's keyword for an unchanging name?", points: 2,
            body: .shortText(accepted: ["let", " Constant "]))
        #expect(scorer.scoreQuestion(question, answer: .text("constant")).points == 2)
        #expect(scorer.scoreQuestion(question, answer: .text("Let")).points == 2)
    }

    private func freeText(keywords: [String]) -> Question {
        Question(
            id: "f", prompt: "Explain.", points: 2,
            body: .freeText(rubric: [
                RubricCriterion(id: "c1", description: "", points: 2, keywords: keywords)
            ]))
    }

    @Test(
        "a keyword counts only as a whole word or phrase, ignoring case",
        arguments: [
            (["actor"], "I would use an actor.", true),
            (["actor"], "Actor, because it serialises access.", true),
            (["actor"], "(actor)", true),
            (["actor"], "ACTOR", true),
            (["actor"], "I would use actors.", false),
            (["actor"], "a reactor", false),
            (["actor"], "actor_isolated", false),
            (["actor"], "actor2", false),
            (["actor", "actors"], "I would use actors.", true),
            (["data race"], "That avoids a Data Race entirely.", true),
            (["data race"], "That avoids a data\n  race.", true),
            (["data race"], "That avoids data races.", false),
            (["data race"], "data and race", false),
            (["main actor"], "isolated to the main actor", true),
        ]
    )
    func keywordMatching(keywords: [String], text: String, matches: Bool) {
        #expect(
            scorer.scoreQuestion(freeText(keywords: keywords), answer: .text(text)).points
                == (matches ? 2 : 0))
    }

    @Test("free text earns the points of each criterion met and names which were met and missed")
    func freeTextCriteria() {
        let question = TestFixtures.freeText
        let both = scorer.scoreQuestion(question, answer: .text("An actor gives isolation, so no data race."))
        #expect(
            both
                == QuestionScore(
                    questionID: "q5", points: 5, maxPoints: 5,
                    feedback: "Met: c1 (uses actor), c2 (uses data race)."))

        let first = scorer.scoreQuestion(question, answer: .text("Put the counter in an Actor."))
        #expect(
            first
                == QuestionScore(
                    questionID: "q5", points: 3, maxPoints: 5, feedback: "Met: c1 (uses actor). Missed: c2."))

        let second = scorer.scoreQuestion(question, answer: .text("Isolation matters."))
        #expect(second.points == 2)
        #expect(second.feedback == "Met: c2 (uses isolation). Missed: c1.")

        let none = scorer.scoreQuestion(question, answer: .text("Use a global variable."))
        #expect(none == QuestionScore(questionID: "q5", points: 0, maxPoints: 5, feedback: "Missed: c1, c2."))
    }

    @Test("score gives one score per question of the assessment, in its order, answered or not")
    func wholeSubmission() {
        let content = TestFixtures.content([
            "q5": .text("actors and data races"), "q1": .text("b"), "q3": .number(3.13), "q4": .text("var"),
        ])
        let scores = scorer.score(content, for: TestFixtures.assessment)
        #expect(scores.map(\.questionID) == ["q1", "q2", "q3", "q4", "q5"])
        #expect(scores.map(\.points) == [1, 0, 1, 0, 0])
        #expect(scores.map(\.maxPoints) == [1, 3, 1, 1, 5])
        #expect(scores[1].feedback == "Not answered.")
    }
}
