/// The person who submits an assessment.
///
/// The name and the email are kept trimmed of surrounding white space, however they are made or
/// decoded, so that what is stored is what was checked.
public struct Candidate: Codable, Sendable, Equatable {
    /// The candidate's name as reports show it; 1 to 200 Unicode scalars, no control character.
    public var name: String
    /// The candidate's email address; up to 320 Unicode scalars.
    public var email: String

    public init(name: String, email: String) {
        self.name = name.trimmed
        self.email = email.trimmed
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            name: try container.decode(String.self, forKey: .name),
            email: try container.decode(String.self, forKey: .email))
    }

    private enum CodingKeys: String, CodingKey {
        case name, email
    }
}
