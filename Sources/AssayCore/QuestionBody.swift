/// What kind of question a question is, with the fields that kind needs to be scored.
public enum QuestionBody: Sendable, Equatable {
    /// Pick exactly one option; all or nothing.
    case singleChoice(options: [ChoiceOption], correct: String)
    /// Pick any options; partial credit, wrong picks cancel right ones.
    case multipleChoice(options: [ChoiceOption], correct: [String])
    /// A number, right when within `tolerance` of `answer` (inclusive).
    case numeric(answer: Double, tolerance: Double)
    /// A short text, right when equal to an accepted answer ignoring case and surrounding white space.
    case shortText(accepted: [String])
    /// A written answer, scored against a rubric.
    case freeText(rubric: [RubricCriterion])

    /// The kind names of the JSON format, in the order of the cases.
    public static let kinds = ["single_choice", "multiple_choice", "numeric", "short_text", "free_text"]

    /// The kind's name in the JSON format, one of ``kinds``.
    public var kind: String {
        switch self {
        case .singleChoice: "single_choice"
        case .multipleChoice: "multiple_choice"
        case .numeric: "numeric"
        case .shortText: "short_text"
        case .freeText: "free_text"
        }
    }
}
