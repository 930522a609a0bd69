/// The model's grade of one rubric criterion, checked against the criterion's points.
public struct CriterionGrade: Sendable, Equatable {
    /// The criterion's id.
    public var criterionID: String
    /// The points awarded, from 0 to the criterion's points.
    public var points: Double
    /// The criterion's points.
    public var maxPoints: Double
    /// The model's one-sentence reason.
    public var reason: String

    public init(criterionID: String, points: Double, maxPoints: Double, reason: String) {
        self.criterionID = criterionID
        self.points = points
        self.maxPoints = maxPoints
        self.reason = reason
    }
}
