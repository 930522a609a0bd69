/// One question's line in a report: its prompt, its score and the feedback on the answer.
public struct ReportQuestion: Codable, Sendable, Equatable {
    /// The question's id.
    public var questionID: String
    /// The question as the candidate read it.
    public var prompt: String
    /// The points earned.
    public var points: Double
    /// The question's points.
    public var maxPoints: Double
    /// One short sentence on the answer.
    public var feedback: String

    public init(questionID: String, prompt: String, points: Double, maxPoints: Double, feedback: String) {
        self.questionID = questionID
        self.prompt = prompt
        self.points = points
        self.maxPoints = maxPoints
        self.feedback = feedback
    }

    private enum CodingKeys: String, CodingKey {
        case questionID = "question_id"
        case prompt, points
        case maxPoints = "max_points"
        case feedback
    }
}
