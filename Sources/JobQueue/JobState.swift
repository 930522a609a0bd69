/// Where a job is in its life: waiting, running, finished, or given up on.
public enum JobState: String, Codable, Sendable, CaseIterable {
    /// Ready to be claimed now.
    case available
    /// Waiting for its run-at time: a delayed job, or a retry after a failure.
    case scheduled
    /// Claimed by a worker that holds its lease.
    case running
    /// Finished successfully.
    case completed
    /// Failed its last attempt, or can never succeed; kept until an admin retries or discards it.
    case dead
}
