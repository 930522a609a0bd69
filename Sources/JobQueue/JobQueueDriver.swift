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

    /// Stores several jobs in one transaction, in order; each behaves as ``enqueue(_:)-(JobRequest)`` would.
    func enqueue(_ requests: [JobRequest]) async throws -> [EnqueueResult]

    /// Claims up to `limit` jobs of `queue` for `owner`, oldest run-at first, and starts each one's
    /// next attempt: available or scheduled jobs whose run-at is at least `overdueBy` in the past,
    /// and running jobs whose lease expired, whatever `overdueBy` (the expiry is recorded in the
    /// job's errors; an expired lease on the job's last attempt makes the job dead instead).
    ///
    /// A job a relay holds (see ``JobOutbox/holdUnpublished(queue:limit:owner:hold:)``) is never
    /// claimed while the hold lasts. In Service Bus mode a database worker claims with the fallback
    /// window as `overdueBy`, so that it takes only what the broker did not; see ``JobOutbox``.
    func claimNextJobs(queue: String, limit: Int, owner: String, leaseDuration: Duration, overdueBy: Duration)
        async throws -> [Job]

    /// Claims the one job named `id` for `owner`, as a broker's delivery asks, and starts its next
    /// attempt: a job that is available, waiting for its run-at (the delivery is its schedule), or
    /// running under an expired lease (the expiry is recorded as ``claimNextJobs(queue:limit:owner:leaseDuration:overdueBy:)``
    /// records it). A relay's hold does not stop it: the delivery is what the hold was for.
    ///
    /// `attempt` is the number of attempts the job had started when the delivery was sent: when it
    /// is given, the job must still be at that attempt, or be running under an expired lease at
    /// `attempt + 1` (the delivery started that attempt, and its worker crashed; the broker delivers
    /// the message again once its lock lapses). Any other number means the delivery is stale and
    /// nothing is claimed. Returns `nil`, claiming nothing, when the job is unknown, completed, dead,
    /// running under a live lease, or stale; an expired lease on the job's last attempt makes it dead
    /// and returns `nil`.
    func claimJob(id: String, attempt: Int?, owner: String, leaseDuration: Duration) async throws -> Job?

    /// Extends the leases of running jobs, all in one round trip; returns the ids of the jobs whose
    /// lease was extended. A lease that was lost (expired and claimed again, or the job released
    /// or retried by an admin) is left out.
    func renewLeases(_ leases: [JobLease], for duration: Duration) async throws -> Set<String>

    /// Marks the job completed. Throws ``JobQueueError/leaseLost(_:)`` if the lease is gone.
    func complete(_ lease: JobLease) async throws

    /// Records a failed attempt: the job is retried at `retryAt`, or dead when `retryAt` is `nil`
    /// or no attempt is left. Returns the job's new state. The job's unknown-kind grace, if one
    /// started, ends: this worker knew its kind.
    func fail(_ lease: JobLease, error: JobAttemptError, retryAt: Date?) async throws -> JobState

    /// Gives a running job back without spending its attempt (a worker shutting down). The job's
    /// unknown-kind grace, if one started, ends: this worker knew its kind.
    func release(_ lease: JobLease) async throws

    /// Gives back a running job whose kind this worker has no handler for (during a rolling deploy,
    /// an older worker meets a newer kind), without spending its attempt: any worker may claim it
    /// again at `retryAt`.
    ///
    /// The first such release starts the job's grace; a release once `grace` has passed since then
    /// makes the job dead instead, with `error` in its history. A worker that knows the kind and
    /// fails or releases the job ends its grace, and so does an admin's retry. Returns the job's new
    /// state, `scheduled` or `dead`; throws ``JobQueueError/leaseLost(_:)`` if the lease is gone.
    func releaseUnknownKind(_ lease: JobLease, retryAt: Date, grace: Duration, error: JobAttemptError)
        async throws -> JobState

    /// One job by id.
    func job(id: String) async throws -> Job?

    /// Counts by state for each of `queues`.
    func statistics(queues: [String]) async throws -> [String: QueueStatistics]

    // MARK: Dead letters

    /// Dead jobs, of `queue` or of every queue, most recently failed first, with the total count.
    func deadJobs(queue: String?, limit: Int, offset: Int) async throws -> (jobs: [Job], total: Int)

    /// Gives a dead job fresh attempts: available now, with as many attempts left as it was first
    /// given, its error history kept. Returns `nil` when no dead job has this id.
    ///
    /// The attempt count goes on, one past the dead job's: no attempt number is used twice, so the
    /// message a relay publishes for the retried job has a `MessageId` never used before (a broker
    /// with duplicate detection would drop one it saw), and late messages of its earlier attempts
    /// stay stale.
    func retryDeadJob(id: String) async throws -> Job?

    /// Retries every dead job of `queue` (or of every queue); returns how many.
    func retryDeadJobs(queue: String?) async throws -> Int

    /// Deletes a dead job; `false` when no dead job has this id.
    func discardDeadJob(id: String) async throws -> Bool

    // MARK: Workers and housekeeping

    /// Records that a worker is alive.
    func recordHeartbeat(_ heartbeat: WorkerHeartbeat) async throws

    /// Workers seen at or after `date`, oldest first. A read: it writes nothing (older records are
    /// forgotten by ``pruneCompletedJobs(before:limit:)``).
    func workers(seenSince date: Date) async throws -> [WorkerHeartbeat]

    /// Forgets a worker that stopped.
    func removeWorker(id: String) async throws

    /// Deletes up to `limit` jobs completed before `date`; dead jobs are never touched. Returns how many.
    /// Also forgets workers not seen for ``WorkerHeartbeat/staleAfter``.
    func pruneCompletedJobs(before date: Date, limit: Int) async throws -> Int
}

extension JobQueueDriver {
    /// Claims up to `limit` due jobs of `queue` for `owner`, oldest run-at first, including jobs
    /// whose lease expired: ``claimNextJobs(queue:limit:owner:leaseDuration:overdueBy:)`` with no
    /// delay past their run-at.
    public func claimNextJobs(queue: String, limit: Int, owner: String, leaseDuration: Duration) async throws
        -> [Job]
    {
        try await claimNextJobs(
            queue: queue, limit: limit, owner: owner, leaseDuration: leaseDuration, overdueBy: .zero)
    }
}
