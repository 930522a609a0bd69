/// The score of one question of a submission, with a sentence of feedback.
public struct QuestionScore: Codable, Sendable, Equatable {
    /// The id of the question scored.
    public var questionID: String
    /// The points earned, from 0 to `maxPoints`, rounded to two decimals.
    public var points: Double
    /// The question's points.
    public var maxPoints: Double
    /// One short sentence on the answer, such as "Correct." or "Not answered."
    public var feedback: String

    public init(questionID: String, points: Double, maxPoints: Double, feedback: String) {
        self.questionID = questionID
        self.points = points
        self.maxPoints = maxPoints
        self.feedback = feedback
    }

    private enum CodingKeys: String, CodingKey {
        case questionID = "question_id"
        case points
        case maxPoints = "max_points"
        case feedback
    }
}
