/// One question of an assessment: its prompt, its worth, the skills it measures and its kind.
///
/// In JSON a question is one flat object: the common fields, `kind`, and the fields of that kind.
///
/// ```json
/// { "id": "q1", "kind": "single_choice", "prompt": "…", "points": 1, "skills": ["swift"],
///   "options": [{"id": "a", "text": "…"}, {"id": "b", "text": "…"}], "correct": "b" }
/// ```
///
/// `skills` may be left out (no skills); so may a numeric question's `tolerance` (an exact answer).
public struct Question: Codable, Sendable, Equatable {
    /// The question's id, unique within its assessment: 1 to 64 characters of `A-Z a-z 0-9 _ -`.
    public var id: String
    /// The question as the candidate reads it.
    public var prompt: String
    /// What a fully right answer earns; more than 0.
    public var points: Double
    /// The skills this question measures; reports aggregate scores per skill.
    public var skills: [String]
    /// The kind of question, with what scoring it needs.
    public var body: QuestionBody

    public init(id: String, prompt: String, points: Double, skills: [String] = [], body: QuestionBody) {
        self.id = id
        self.prompt = prompt
        self.points = points
        self.skills = skills
        self.body = body
    }

    private enum CodingKeys: String, CodingKey {
        case id, kind, prompt, points, skills, options, correct, answer, tolerance, accepted, rubric
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeRequired(String.self, forKey: .id, of: "a question", expecting: "a string")
        let owner = "question \(QuotedInput.quote(id))"
        let kind = try container.decodeRequired(
            String.self,
            forKey: .kind,
            of: owner,
            expecting: "one of \(QuestionBody.kinds.joined(separator: ", "))"
        )
        prompt = try container.decodeRequired(String.self, forKey: .prompt, of: owner, expecting: "a string")
        points = try container.decodeRequired(Double.self, forKey: .points, of: owner, expecting: "a number")
        skills = try container.decodeIfPresent([String].self, forKey: .skills) ?? []
        body = try Self.decodeBody(kind: kind, from: container, of: "\(owner) (\(kind))")
    }

    private static func decodeBody(
        kind: String,
        from container: KeyedDecodingContainer<CodingKeys>,
        of owner: String
    ) throws -> QuestionBody {
        let options = "an array of options, each {\"id\", \"text\"}"
        switch kind {
        case "single_choice":
            return .singleChoice(
                options: try container.decodeRequired(
                    [ChoiceOption].self, forKey: .options, of: owner, expecting: options),
                correct: try container.decodeRequired(
                    String.self, forKey: .correct, of: owner, expecting: "the id of the correct option")
            )
        case "multiple_choice":
            return .multipleChoice(
                options: try container.decodeRequired(
                    [ChoiceOption].self, forKey: .options, of: owner, expecting: options),
                correct: try container.decodeRequired(
                    [String].self, forKey: .correct, of: owner,
                    expecting: "an array of the correct option ids")
            )
        case "numeric":
            return .numeric(
                answer: try container.decodeRequired(
                    Double.self, forKey: .answer, of: owner, expecting: "a number"),
                tolerance: try container.decodeIfPresent(Double.self, forKey: .tolerance) ?? 0
            )
        case "short_text":
            return .shortText(
                accepted: try container.decodeRequired(
                    [String].self, forKey: .accepted, of: owner, expecting: "an array of accepted answers")
            )
        case "free_text":
            return .freeText(
                rubric: try container.decodeRequired(
                    [RubricCriterion].self,
                    forKey: .rubric,
                    of: owner,
                    expecting:
                        "an array of criteria, each {\"id\", \"description\", \"points\", \"keywords\"}"
                )
            )
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind,
                in: container,
                debugDescription:
                    "question kind \(QuotedInput.quote(kind)) is not one of "
                    + QuestionBody.kinds.joined(separator: ", ")
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(body.kind, forKey: .kind)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(points, forKey: .points)
        try container.encode(skills, forKey: .skills)
        switch body {
        case .singleChoice(let options, let correct):
            try container.encode(options, forKey: .options)
            try container.encode(correct, forKey: .correct)
        case .multipleChoice(let options, let correct):
            try container.encode(options, forKey: .options)
            try container.encode(correct, forKey: .correct)
        case .numeric(let answer, let tolerance):
            try container.encode(answer, forKey: .answer)
            try container.encode(tolerance, forKey: .tolerance)
        case .shortText(let accepted):
            try container.encode(accepted, forKey: .accepted)
        case .freeText(let rubric):
            try container.encode(rubric, forKey: .rubric)
        }
    }
}
