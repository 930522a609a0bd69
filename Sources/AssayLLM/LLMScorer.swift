import AssayCore
import Foundation

/// The scorer that asks a model to grade written answers and scores everything else by rules.
///
/// `single_choice`, `multiple_choice` and `numeric` questions, blank answers and answers of the
/// wrong type go through ``RubricScorer``. A `free_text` answer goes to the model with its
/// rubric; a `short_text` answer the rules find wrong goes to the model only when
/// `modelScoresShortText` is on, graded on one criterion: that it means an accepted answer. A
/// question's points are the sum of the checked criterion points (see ``GradingAnswer``). An
/// invalid grading gets one repair request; a second fails the attempt with
/// ``LLMError/invalidAnswer(_:)``, which the job engine retries.
///
/// ```swift
/// let scorer = LLMScorer(client: ChatCompletionsClient(settings: settings))
/// let scoring = try await scorer.scoreRecordingUsage(content, for: assessment)
/// ```
public struct LLMScorer: Scorer {
    private let client: ChatCompletionsClient
    private let modelScoresShortText: Bool

    public var name: String { "llm" }

    public init(client: ChatCompletionsClient, modelScoresShortText: Bool = false) {
        self.client = client
        self.modelScoresShortText = modelScoresShortText
    }

    public func score(_ content: SubmissionContent, for assessment: Assessment) async throws
        -> [QuestionScore]
    {
        try await scoreRecordingUsage(content, for: assessment).questions
    }

    /// Scores the submission and keeps the model calls made in the evaluation.
    public func evaluate(
        submissionID: String, content: SubmissionContent, for assessment: Assessment, at evaluatedAt: Date
    ) async throws -> Evaluation {
        let scoring = try await scoreRecordingUsage(content, for: assessment)
        return Evaluation(
            submissionID: submissionID, assessmentID: assessment.id, scorer: name,
            questions: scoring.questions,
            evaluatedAt: evaluatedAt, modelCalls: scoring.calls)
    }

    /// Scores every question, as ``score(_:for:)`` does, and returns the model calls made.
    public func scoreRecordingUsage(_ content: SubmissionContent, for assessment: Assessment) async throws
        -> LLMScoring
    {
        var questions: [QuestionScore] = []
        var calls: [ModelCall] = []
        for question in assessment.questions {
            let answer = content.answer(to: question.id)
            let ruled = RubricScorer().scoreQuestion(question, answer: answer)
            guard let (rubric, text) = modelGraded(question, answer: answer, ruled: ruled) else {
                questions.append(ruled)
                continue
            }
            let (score, used) = try await grade(question, rubric: rubric, answer: text)
            questions.append(score)
            calls += used
        }
        return LLMScoring(questions: questions, calls: calls)
    }

    /// Grades one written answer against a rubric: one call, and one repair when the reply is invalid.
    public func grade(_ question: Question, rubric: [RubricCriterion], answer: String) async throws
        -> (score: QuestionScore, calls: [ModelCall])
    {
        let prompt = GradingPrompt(question: question, rubric: rubric, answer: answer)
        let (grading, calls) = try await client.completeValidated(
            prompt.messages, repair: prompt.repair, schemaName: GradingPrompt.schemaName,
            schema: prompt.schema,
            purpose: ("grade", question.id)
        ) { reply throws(LLMError) in
            try GradingAnswer(validating: reply, rubric: rubric)
        }
        return (Self.score(question, grading), calls)
    }

    private func modelGraded(_ question: Question, answer: AnswerValue?, ruled: QuestionScore)
        -> (rubric: [RubricCriterion], text: String)?
    {
        guard case .text(let text) = answer, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            return nil
        }
        switch question.body {
        case .freeText(let rubric):
            return (rubric, text)
        case .shortText(let accepted) where modelScoresShortText && ruled.points < ruled.maxPoints:
            let answers = accepted.map { GradingPrompt.quoted($0) }.joined(separator: ", ")
            let criterion = RubricCriterion(
                id: "answer",
                description: "The answer means the same as one of the accepted answers: \(answers).",
                points: question.points,
                keywords: []
            )
            return ([criterion], text)
        default:
            return nil
        }
    }

    private static func score(_ question: Question, _ grading: GradingAnswer) -> QuestionScore {
        let reasons = grading.criteria.map { grade in
            "\(grade.criterionID) \(grade.points.pointsText)/\(grade.maxPoints.pointsText): \(grade.reason)"
        }
        return QuestionScore(
            questionID: question.id,
            points: min(grading.points, question.points).roundedPoints,
            maxPoints: question.points.roundedPoints,
            feedback: ([grading.feedback] + reasons).joined(separator: " ")
        )
    }
}
