/// How the client asks the server for a JSON answer.
///
/// Every request also gives the JSON schema in the prompt, so a server that ignores
/// `response_format` can still answer in the right shape.
public enum LLMResponseFormat: String, Sendable, Equatable, CaseIterable {
    /// `{"type": "json_schema", "json_schema": {"name", "schema", "strict": true}}`, as OpenAI takes it.
    case jsonSchema = "json_schema"
    /// `{"type": "json_object", "schema": …}`, as llama.cpp's servers take it.
    case jsonObject = "json_object"
    /// No `response_format`: the schema in the prompt only.
    case none

    /// The format to try after a server refuses this one, or `nil` when there is none left.
    public var fallback: LLMResponseFormat? {
        switch self {
        case .jsonSchema: .jsonObject
        case .jsonObject: LLMResponseFormat.none
        case .none: nil
        }
    }
}
