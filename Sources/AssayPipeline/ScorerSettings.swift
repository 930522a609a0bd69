import AssayCore
import AssayLLM

/// Which scorer evaluates submissions (`SCORER`), with what it needs.
public enum ScorerSettings: Sendable, Equatable {
    /// Rules only: exact answers, numbers within tolerance, keywords. No I/O, microseconds a job.
    case rubric
    /// A chat-completions model judges free-text answers against their rubric (the `LLM_*`
    /// settings); objective questions are still scored by rule, and the report's words are the
    /// model's.
    case llm(LLMSettings)

    /// The `SCORER` value: `rubric` or `llm`.
    public var name: String {
        switch self {
        case .rubric: "rubric"
        case .llm: "llm"
        }
    }
}
