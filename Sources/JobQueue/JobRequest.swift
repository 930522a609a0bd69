import Foundation

/// A job to enqueue.
///
/// ```swift
/// let request = JobRequest(queue: "scoring-jobs", kind: "score-submission",
///                          payload: payload, dedupeKey: submissionID)
/// ```
public struct JobRequest: Sendable, Equatable {
    public var id: String
    public var queue: String
    public var kind: String
    public var payload: Data
    /// At most one job per queue carries a given key; enqueueing it again returns the first job.
    public var dedupeKey: String?
    public var maxAttempts: Int
    /// Run no earlier than this; `nil` means now.
    public var runAt: Date?
    /// Whether the enqueuer ran the job's first attempt itself, successfully, in the transaction
    /// that stores the attempt's results: the job is counted among its queue's completions and
    /// not stored, since nothing is left to claim, retry or read back. A stored job holding its
    /// dedupe key is returned instead, uncounted (its own run will count); the job itself takes
    /// no dedupe key.
    public var ranInline: Bool
    /// Whether the enqueuer's own worker takes the job's first attempt as the job is stored: the job
    /// is stored `running` at attempt 1, under a lease of this owner's, so that no claim is needed
    /// (see ``JobHandoff``). Should the lease lapse unrenewed (the process died before the attempt
    /// ended), any worker claims the job again, as it claims any job whose lease expired.
    public var leasedTo: Lease?

    /// The lease a job is stored under when its enqueuer's worker runs it at once.
    public struct Lease: Sendable, Equatable {
        public var owner: String
        public var duration: Duration

        public init(owner: String, duration: Duration) {
            self.owner = owner
            self.duration = duration
        }
    }

    public init(
        id: String = RandomIdentifier.uuidString(), queue: String, kind: String, payload: Data,
        dedupeKey: String? = nil, maxAttempts: Int = RetryPolicy.default.maxAttempts, runAt: Date? = nil,
        ranInline: Bool = false
    ) {
        self.id = id
        self.queue = queue
        self.kind = kind
        self.payload = payload
        self.dedupeKey = dedupeKey
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.ranInline = ranInline
        self.leasedTo = nil
    }

    /// The job this request makes, as first stored at `now`.
    public func makeJob(now: Date) -> Job {
        if let leasedTo, !ranInline {
            return Job(
                id: id, queue: queue, kind: kind, payload: payload, dedupeKey: dedupeKey, state: .running,
                attempt: 1, maxAttempts: maxAttempts, runAt: now, leaseOwner: leasedTo.owner,
                leaseExpiresAt: now + leasedTo.duration.seconds, createdAt: now, updatedAt: now)
        }
        if ranInline {
            return Job(
                id: id, queue: queue, kind: kind, payload: payload, dedupeKey: dedupeKey, state: .completed,
                attempt: 1, maxAttempts: maxAttempts, runAt: now, createdAt: now, updatedAt: now,
                completedAt: now)
        }
        let runAt = max(self.runAt ?? now, now)
        return Job(
            id: id, queue: queue, kind: kind, payload: payload, dedupeKey: dedupeKey,
            state: runAt > now ? .scheduled : .available, attempt: 0, maxAttempts: maxAttempts,
            runAt: runAt, createdAt: now, updatedAt: now)
    }
}

/// What an enqueue did: the stored job, and whether this call created it.
public struct EnqueueResult: Sendable, Equatable {
    public var job: Job
    /// `false` when a job with the same dedupe key already existed and was returned instead.
    public var inserted: Bool

    public init(job: Job, inserted: Bool) {
        self.job = job
        self.inserted = inserted
    }
}

extension Collection<EnqueueResult> {
    /// The queues of the jobs this enqueue stored for a worker to claim: the queues to wake.
    public var queuesWithNewWork: Set<String> {
        Set(filter { $0.inserted && $0.job.awaitsClaim }.map(\.job.queue))
    }
}
