import Logging

/// Runs the jobs of one kind.
///
/// A handler must be idempotent: a job can run again after a crash, a lost lease or a retry,
/// and running it twice must leave the same result as running it once.
public protocol JobHandler: Sendable {
    /// The job kind this handler runs.
    var kind: String { get }
    /// The longest an attempt may run; past it the attempt fails and is retried.
    var timeout: Duration { get }
    /// Does the job's work, and says whether it completed the job itself (see
    /// ``JobHandlerOutcome``). Throw ``JobHandlerError`` to control retries; any other error is
    /// retried.
    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome
}

extension JobHandler {
    public var timeout: Duration { .seconds(120) }
}

/// Errors a handler throws to say how its failure should be retried.
public enum JobHandlerError: Error, Sendable, CustomStringConvertible {
    /// Retry, but not before `delay` (for example a rate limit's `Retry-After`).
    case retryAfter(Duration, reason: String)
    /// The job can never succeed (an undecodable payload, a missing record): dead at once.
    case permanent(String)

    public var description: String {
        switch self {
        case .retryAfter(let delay, let reason): "\(reason) (retry after \(delay.seconds)s)"
        case .permanent(let reason): reason
        }
    }
}
