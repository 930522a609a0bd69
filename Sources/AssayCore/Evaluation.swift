import Foundation

/// The scored result of one submission: a score per question and the totals.
public struct Evaluation: Codable, Sendable, Equatable {
    /// The id of the submission scored.
    public let submissionID: String
    /// The id of the assessment the submission answers.
    public let assessmentID: String
    /// The name of the scorer that scored it: `rubric` or `llm`.
    public let scorer: String
    /// One score per question, in the assessment's order.
    public let questions: [QuestionScore]
    /// The points earned over all questions, rounded to two decimals.
    public let totalPoints: Double
    /// The points available over all questions, rounded to two decimals.
    public let maxPoints: Double
    /// When the submission was scored.
    public let evaluatedAt: Date
    /// The model calls the scoring made, with their tokens and latency; `nil` for a scorer that
    /// calls no model.
    public let modelCalls: [ModelCall]?

    /// Creates an evaluation whose totals are the sums of its question scores.
    public init(
        submissionID: String,
        assessmentID: String,
        scorer: String,
        questions: [QuestionScore],
        evaluatedAt: Date,
        modelCalls: [ModelCall]? = nil
    ) {
        self.submissionID = submissionID
        self.assessmentID = assessmentID
        self.scorer = scorer
        self.questions = questions
        self.totalPoints = questions.reduce(0) { $0 + $1.points }.rounded(toPlaces: 2)
        self.maxPoints = questions.reduce(0) { $0 + $1.maxPoints }.rounded(toPlaces: 2)
        self.evaluatedAt = evaluatedAt
        self.modelCalls = modelCalls
    }

    /// An evaluation as it was stored, with the totals it was stored with.
    init(
        submissionID: String, assessmentID: String, scorer: String, questions: [QuestionScore],
        totalPoints: Double, maxPoints: Double, evaluatedAt: Date
    ) {
        self.submissionID = submissionID
        self.assessmentID = assessmentID
        self.scorer = scorer
        self.questions = questions
        self.totalPoints = totalPoints
        self.maxPoints = maxPoints
        self.evaluatedAt = evaluatedAt
        self.modelCalls = nil
    }

    private enum CodingKeys: String, CodingKey {
        case submissionID = "submission_id"
        case assessmentID = "assessment_id"
        case scorer, questions
        case totalPoints = "total_points"
        case maxPoints = "max_points"
        case evaluatedAt = "evaluated_at"
        case modelCalls = "model_calls"
    }
}
