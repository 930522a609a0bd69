/// Errors a job driver reports to its caller.
public enum JobQueueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The job is no longer running under this lease: it expired and was handed to another worker,
    /// or was already finished.
    case leaseLost(JobLease)
    /// A dedupe key matched a job with a different kind.
    case dedupeConflict(queue: String, dedupeKey: String)

    public var description: String {
        switch self {
        case .leaseLost(let lease):
            "job \(lease.jobID) attempt \(lease.attempt) is no longer leased to \(lease.owner)"
        case .dedupeConflict(let queue, let dedupeKey):
            "queue \(queue) already holds a job of another kind with dedupe key \(dedupeKey)"
        }
    }
}
