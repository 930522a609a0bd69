/// A candidate's score on one skill: the sum over the questions that measure it.
public struct SkillScore: Codable, Sendable, Equatable {
    /// The skill's name, as the questions' `skills` give it.
    public var skill: String
    /// The points earned on questions with this skill, rounded to two decimals.
    public var points: Double
    /// The points available on questions with this skill, rounded to two decimals.
    public var maxPoints: Double
    /// `points` as a percentage of `maxPoints`, from 0 to 100 with one decimal.
    public var percent: Double

    public init(skill: String, points: Double, maxPoints: Double, percent: Double) {
        self.skill = skill
        self.points = points
        self.maxPoints = maxPoints
        self.percent = percent
    }

    private enum CodingKeys: String, CodingKey {
        case skill, points
        case maxPoints = "max_points"
        case percent
    }
}
