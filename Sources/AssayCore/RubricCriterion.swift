/// One criterion of a free-text question's rubric: what an answer should show, and what it is worth.
///
/// The rubric scorer awards the criterion's points when the answer contains any of its keywords
/// as a whole word or phrase, ignoring case.
public struct RubricCriterion: Codable, Sendable, Equatable {
    /// The criterion's id, unique within its question.
    public var id: String
    /// What the answer should show, for the candidate and for the LLM scorer.
    public var description: String
    /// The points this criterion is worth; a question's criteria add up to its points.
    public var points: Double
    /// Words or phrases any of which, in the answer, earns the criterion's points.
    public var keywords: [String]

    public init(id: String, description: String, points: Double, keywords: [String]) {
        self.id = id
        self.description = description
        self.points = points
        self.keywords = keywords
    }

    private enum CodingKeys: String, CodingKey {
        case id, description, points, keywords
    }
}
