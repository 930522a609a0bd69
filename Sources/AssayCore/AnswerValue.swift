/// A candidate's answer to one question: a text, a list of option ids, or a number.
///
/// In JSON it is a string (`"b"`, `"let"`, an essay), an array of strings (`["a", "c"]`) or a
/// number (`3.14`). Anything else (`true`, `null`, an object, an array holding non-strings) does
/// not decode.
public enum AnswerValue: Codable, Sendable, Equatable {
    /// A text: the option id of a single-choice question, or a short or free text.
    case text(String)
    /// The option ids chosen in a multiple-choice question.
    case choices([String])
    /// The number given to a numeric question.
    case number(Double)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let choices = try? container.decode([String].self) {
            self = .choices(choices)
        } else if (try? container.decode(Bool.self)) == nil, let number = try? container.decode(Double.self) {
            self = .number(number)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "an answer must be a string, an array of strings or a number, "
                    + "not \(Self.describe(decoder))"
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .choices(let choices): try container.encode(choices)
        case .number(let number): try container.encode(number)
        }
    }

    // Whether the answer says nothing: an empty or white-space text, or no choices.
    var isBlank: Bool {
        switch self {
        case .text(let text): text.isBlank
        case .choices(let choices): choices.isEmpty
        case .number: false
        }
    }

    // What a kind of question expects, for messages: "a string (an option id)".
    static func expectation(for body: QuestionBody) -> String {
        switch body {
        case .singleChoice: "a string (an option id)"
        case .multipleChoice: "an array of option ids"
        case .numeric: "a number"
        case .shortText, .freeText: "a string"
        }
    }

    private static func describe(_ decoder: any Decoder) -> String {
        if let container = try? decoder.singleValueContainer() {
            if container.decodeNil() {
                return "null"
            }
            if (try? container.decode(Bool.self)) != nil {
                return "a boolean"
            }
        }
        if (try? decoder.unkeyedContainer()) != nil {
            return "an array holding something other than strings"
        }
        return "an object"
    }
}
