import Foundation

/// A unit of work in a queue, with its attempts, lease and error history.
public struct Job: Sendable, Equatable, Identifiable {
    public var id: String
    public var queue: String
    /// What the job does; a worker finds the handler by it.
    public var kind: String
    /// The handler's input, as JSON.
    public var payload: Data
    /// A second job with the same key in the same queue is never created.
    public var dedupeKey: String?
    public var state: JobState
    /// Attempts started so far, counting on through an admin's retry (which skips one number, see
    /// ``JobQueueDriver/retryDeadJob(id:)``); the running attempt's number while the job is running.
    public var attempt: Int
    public var maxAttempts: Int
    /// The earliest time the job may be claimed.
    public var runAt: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    public var errors: [JobAttemptError]
    public var createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?

    public init(
        id: String, queue: String, kind: String, payload: Data, dedupeKey: String?, state: JobState,
        attempt: Int, maxAttempts: Int, runAt: Date, leaseOwner: String? = nil, leaseExpiresAt: Date? = nil,
        errors: [JobAttemptError] = [], createdAt: Date, updatedAt: Date, completedAt: Date? = nil
    ) {
        self.id = id
        self.queue = queue
        self.kind = kind
        self.payload = payload
        self.dedupeKey = dedupeKey
        self.state = state
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.errors = errors
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.completedAt = completedAt
    }

    /// Whether a worker must claim the job for it to run: it is available or scheduled, not running
    /// under a lease (its enqueuer's worker took it as it was stored), completed or dead.
    public var awaitsClaim: Bool { state == .available || state == .scheduled }

    /// The fencing token of the running attempt: only its holder may complete, fail or release the job.
    public var lease: JobLease? {
        guard state == .running, let leaseOwner else { return nil }
        return JobLease(jobID: id, attempt: attempt, owner: leaseOwner)
    }
}
