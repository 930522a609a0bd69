import Foundation

/// A place where jobs are stored, claimed and finished: the seam between the worker and a backend.
///
/// Every driver keeps the same promises: enqueue de-duplicates on (queue, dedupe key); a claim is
/// exclusive and sets a lease; completion, failure and release are fenced by the lease; a job
/// whose lease expired is claimable again.
public protocol JobQueueDriver: Sendable {
    /// Wakes workers of this process when jobs are added.
    var notifier: JobNotifier { get }

    /// Stores a job, or returns the one already stored with the same queue and dedupe key.
    func enqueue(_ request: JobRequest) async throws -> EnqueueResult

    /// Claims up to `limit` due jobs of `queue` for `owner`, oldest run-at first, including jobs
    /// whose lease expired; each claimed job starts its next attempt.
    func claimNextJobs(queue: String, limit: Int, owner: String, leaseDuration: Duration) async throws
        -> [Job]

    /// Extends a running job's lease; `false` when the lease was lost.
    func renewLease(_ lease: JobLease, for duration: Duration) async throws -> Bool

    /// Marks the job completed. Throws ``JobQueueError/leaseLost(_:)`` if the lease is gone.
    func complete(_ lease: JobLease) async throws

    /// Records a failed attempt: the job is retried at `retryAt`, or dead when `retryAt` is `nil`
    /// or no attempt is left. Returns the job's new state.
    func fail(_ lease: JobLease, error: JobAttemptError, retryAt: Date?) async throws -> JobState

    /// Gives a running job back without spending its attempt (a worker shutting down).
    func release(_ lease: JobLease) async throws

    /// One job by id.
    func job(id: String) async throws -> Job?

    /// Counts by state for each queue that has jobs, and for each of `queues`.
    func statistics(queues: [String]) async throws -> [String: QueueStatistics]
}
