import AssayCore
import Foundation
import Testing

@Suite("Evaluation")
struct EvaluationTests {
    private static let date = Date(timeIntervalSince1970: 1_750_000_000.5)

    @Test("totals are the sums of the question scores, rounded to two decimals")
    func totals() {
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: "sample", scorer: "rubric",
            questions: [
                QuestionScore(questionID: "q1", points: 0.1, maxPoints: 0.1, feedback: "Correct."),
                QuestionScore(questionID: "q2", points: 0.2, maxPoints: 0.2, feedback: "Correct."),
                QuestionScore(
                    questionID: "q3", points: 0.67, maxPoints: 2, feedback: "1 of 3 correct options chosen."),
            ],
            evaluatedAt: Self.date)
        #expect(evaluation.totalPoints == 0.97)
        #expect(evaluation.maxPoints == 2.3)
    }

    @Test("an evaluation with no questions totals 0 of 0")
    func empty() {
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: "a", scorer: "llm", questions: [], evaluatedAt: Self.date)
        #expect(evaluation.totalPoints == 0)
        #expect(evaluation.maxPoints == 0)
    }

    @Test("evaluate scores with the scorer and records its name, the ids and the time")
    func evaluate() async throws {
        let content = TestFixtures.content([
            "q1": .text("b"), "q2": .choices(["a", "b", "c"]), "q4": .text("let"),
        ])
        let evaluation = try await RubricScorer().evaluate(
            submissionID: "s1", content: content, for: TestFixtures.assessment, at: Self.date)
        #expect(evaluation.submissionID == "s1")
        #expect(evaluation.assessmentID == "sample")
        #expect(evaluation.scorer == "rubric")
        #expect(evaluation.questions.count == 5)
        #expect(evaluation.totalPoints == 5)
        #expect(evaluation.maxPoints == 11)
        #expect(evaluation.evaluatedAt == Self.date)
    }

    @Test("an evaluation round-trips through JSON with snake_case keys")
    func json() throws {
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: "sample", scorer: "rubric",
            questions: [QuestionScore(questionID: "q1", points: 1, maxPoints: 1, feedback: "Correct.")],
            evaluatedAt: Self.date)
        let json = try TestFixtures.encodedText(evaluation)
        #expect(
            json == #"{"assessment_id":"sample","evaluated_at":"2025-06-15T15:06:40.500Z","max_points":1,"#
                + #""questions":[{"feedback":"Correct.","max_points":1,"points":1,"question_id":"q1"}],"#
                + #""scorer":"rubric","submission_id":"s1","total_points":1}"#)
        #expect(try TestFixtures.decode(Evaluation.self, from: json) == evaluation)
    }
}
