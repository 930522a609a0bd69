/// An assessment: a titled set of questions, with the percentage a candidate needs to pass.
///
/// Decoding fills in what a writer may leave out: a missing `id` becomes a slug of the title with
/// six random characters (`"swift-basics-k3x9q2"`), `description` defaults to `""` and
/// `passing_percent` to 60. Decoding checks the shape; ``validate()`` checks the rules.
///
/// ```swift
/// let assessment = try AssayJSON.decoder().decode(Assessment.self, from: body)
/// try assessment.validate()
/// ```
public struct Assessment: Codable, Sendable, Equatable {
    /// The passing percentage of an assessment that does not give one.
    public static let defaultPassingPercent = 60.0

    /// The assessment's id: a slug of `a-z`, `0-9` and `-`, 1 to 64 characters.
    public var id: String
    /// The title candidates and reports show.
    public var title: String
    /// What the assessment covers; may be empty.
    public var description: String
    /// The percentage of the maximum points a candidate needs to pass, from 0 to 100.
    public var passingPercent: Double
    /// The questions, in the order candidates see them and reports list them.
    public var questions: [Question]

    public init(
        id: String,
        title: String,
        description: String = "",
        passingPercent: Double = Assessment.defaultPassingPercent,
        questions: [Question]
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.passingPercent = passingPercent
        self.questions = questions
    }

    /// The points a candidate earns by answering every question right, rounded to two decimals.
    public var maxPoints: Double {
        questions.reduce(0) { $0 + $1.points }.rounded(toPlaces: 2)
    }

    /// The question with this id, if the assessment has one.
    public func question(withID id: String) -> Question? {
        questions.first { $0.id == id }
    }

    private enum CodingKeys: String, CodingKey {
        case id, title, description, questions
        case passingPercent = "passing_percent"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let owner = "an assessment"
        title = try container.decodeRequired(String.self, forKey: .title, of: owner, expecting: "a string")
        id =
            try container.decodeIfPresent(String.self, forKey: .id) ?? AssessmentID.generate(fromTitle: title)
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        passingPercent =
            try container.decodeIfPresent(Double.self, forKey: .passingPercent) ?? Self.defaultPassingPercent
        questions = try container.decodeRequired(
            [Question].self,
            forKey: .questions,
            of: owner,
            expecting: "an array of questions"
        )
    }
}
