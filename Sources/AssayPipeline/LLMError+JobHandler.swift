import AssayLLM
import JobQueue

extension LLMError {
    /// The error a job handler throws for this one, by the engine's retry rules: a key refused, a
    /// model unknown or a request refused is dead at once (``JobHandlerError/permanent(_:)``, with
    /// the setting to fix); a rate limit waits at least its `Retry-After`; the rest (time-outs,
    /// connection errors, 5xx, an invalid answer after its repair) is retried with backoff.
    var forJobEngine: any Error {
        if isPermanent { return JobHandlerError.permanent(description) }
        if let wait = retryAfter { return JobHandlerError.retryAfter(wait, reason: description) }
        return self
    }
}
