/// The person who submits an assessment.
public struct Candidate: Codable, Sendable, Equatable {
    /// The candidate's name as reports show it; 1 to 200 characters.
    public var name: String
    /// The candidate's email address; up to 320 characters.
    public var email: String

    public init(name: String, email: String) {
        self.name = name
        self.email = email
    }

    private enum CodingKeys: String, CodingKey {
        case name, email
    }
}
