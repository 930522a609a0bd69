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

    /// The longest one attempt of a scoring or report job may run: 120 s for the rules; with a
    /// model, 20 of its calls' time-outs (`LLM_TIMEOUT_SECONDS`), room for a grading and a repair per
    /// free-text question of a long assessment. A backstop: the lease is renewed while it runs.
    public var attemptTimeout: Duration {
        switch self {
        case .rubric: .seconds(120)
        case .llm(let settings): settings.timeout * 20
        }
    }

    /// The most scoring or report jobs a worker should run at once per queue: no limit of its own
    /// for the rules; with a model, `LLM_MAX_CONCURRENCY`, so that jobs beyond the model's slots
    /// wait in the database, unclaimed, instead of spending their time limit in line.
    public var jobConcurrencyLimit: Int? {
        switch self {
        case .rubric: nil
        case .llm(let settings): settings.maxConcurrency
        }
    }

    /// The `SCORER` value: `rubric` or `llm`.
    public var name: String {
        switch self {
        case .rubric: "rubric"
        case .llm: "llm"
        }
    }
}
