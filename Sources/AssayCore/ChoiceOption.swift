/// One option of a single- or multiple-choice question.
public struct ChoiceOption: Codable, Sendable, Equatable {
    /// The option's id, unique within its question; answers refer to options by it.
    public var id: String
    /// The text the candidate reads.
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }

    private enum CodingKeys: String, CodingKey {
        case id, text
    }
}
