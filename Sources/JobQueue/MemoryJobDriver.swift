import Foundation

/// A driver that keeps jobs in this process's memory: for tests and quick development only,
/// since its jobs are gone when the process ends.
public actor MemoryJobDriver: JobQueueDriver {
    public nonisolated let notifier: JobNotifier
    let now: @Sendable () -> Date
    var jobs: [String: Job] = [:]
    private var dedupeIndex: [DedupeKey: String] = [:]
    private var workers: [String: WorkerHeartbeat] = [:]
    /// When a worker that did not know its kind first released each job, for jobs in their grace.
    private var kindUnknownSince: [String: Date] = [:]
    /// The attempt a broker accepted a message for, for each job that has one (see ``JobOutbox``).
    var publishedAttempts: [String: Int] = [:]
    /// The relay that holds each held job, and until when.
    var relayHolds: [String: (owner: String, until: Date)] = [:]
    /// The attempts each run of a job gets, kept at its first retry by an admin.
    private var attemptsPerRun: [String: Int] = [:]
    /// When each job that ran inline (not stored) was counted, per queue.
    private var ranInline: [String: [Date]] = [:]

    private struct DedupeKey: Hashable {
        var queue: String
        var key: String
    }

    public init(notifier: JobNotifier = JobNotifier(), now: @escaping @Sendable () -> Date = Date.init) {
        self.notifier = notifier
        self.now = now
    }

    public func enqueue(_ request: JobRequest) async throws -> EnqueueResult {
        if let key = request.dedupeKey,
            let existingID = dedupeIndex[DedupeKey(queue: request.queue, key: key)],
            let existing = jobs[existingID]
        {
            return EnqueueResult(job: existing, inserted: false)
        }
        let job = request.makeJob(now: now())
        if request.ranInline {
            ranInline[job.queue] =
                (ranInline[job.queue] ?? []).filter { job.updatedAt.timeIntervalSince($0) <= 3600 } + [
                    job.updatedAt
                ]
            return EnqueueResult(job: job, inserted: true)
        }
        jobs[job.id] = job
        if let key = job.dedupeKey { dedupeIndex[DedupeKey(queue: job.queue, key: key)] = job.id }
        if job.awaitsClaim { notifier.notify(queue: job.queue) }
        return EnqueueResult(job: job, inserted: true)
    }

    public func enqueue(_ requests: [JobRequest]) async throws -> [EnqueueResult] {
        var results: [EnqueueResult] = []
        for request in requests { results.append(try await enqueue(request)) }
        return results
    }

    public func claimNextJobs(
        queue: String, limit: Int, owner: String, leaseDuration: Duration, overdueBy: Duration
    ) async throws -> [Job] {
        let now = now()
        let due = jobs.values
            .filter { $0.queue == queue && isClaimable($0, at: now, overdueBy: overdueBy) }
            .sorted { ($0.runAt, $0.createdAt, $0.id) < ($1.runAt, $1.createdAt, $1.id) }
        var claimed: [Job] = []
        for job in due {
            if job.state == .running && job.attempt >= job.maxAttempts {
                _ = start(job, owner: owner, leaseDuration: leaseDuration, now: now)
                continue
            }
            guard claimed.count < limit else { break }
            if let job = start(job, owner: owner, leaseDuration: leaseDuration, now: now) {
                claimed.append(job)
            }
        }
        return claimed
    }

    public func claimJob(id: String, attempt: Int?, owner: String, leaseDuration: Duration) async throws
        -> Job?
    {
        let now = now()
        guard let job = jobs[id] else { return nil }
        switch job.state {
        case .available, .scheduled:
            guard attempt == nil || job.attempt == attempt else { return nil }
        case .running where (job.leaseExpiresAt ?? now) <= now:
            // The delivery's attempt, or the one it started before its worker crashed.
            guard attempt.map({ job.attempt == $0 || job.attempt == $0 + 1 }) ?? true else { return nil }
        case .running, .completed, .dead: return nil
        }
        return start(job, owner: owner, leaseDuration: leaseDuration, now: now)
    }

    /// Starts the claimable job's next attempt under `owner`'s lease; a job whose lease expired has
    /// the expiry recorded first, and is made dead instead (returning `nil`) if that was its last attempt.
    private func start(_ job: Job, owner: String, leaseDuration: Duration, now: Date) -> Job? {
        var job = job
        if job.state == .running {
            job.errors.append(
                JobAttemptError(attempt: job.attempt, failedAt: now, message: JobLeaseExpiry.message))
            if job.attempt >= job.maxAttempts {
                job.state = .dead
                job.leaseOwner = nil
                job.leaseExpiresAt = nil
                job.updatedAt = now
                jobs[job.id] = job
                return nil
            }
        }
        relayHolds[job.id] = nil
        job.state = .running
        job.attempt += 1
        job.leaseOwner = owner
        job.leaseExpiresAt = now + leaseDuration.seconds
        job.updatedAt = now
        jobs[job.id] = job
        return job
    }

    private func isClaimable(_ job: Job, at now: Date, overdueBy: Duration) -> Bool {
        switch job.state {
        case .available, .scheduled: job.runAt <= now - overdueBy.seconds && !isHeld(job.id, at: now)
        case .running: (job.leaseExpiresAt ?? now) <= now
        case .completed, .dead: false
        }
    }

    public func renewLeases(_ leases: [JobLease], for duration: Duration) async throws -> Set<String> {
        var renewed: Set<String> = []
        for lease in leases {
            guard var job = leased(lease) else { continue }
            job.leaseExpiresAt = now() + duration.seconds
            jobs[job.id] = job
            renewed.insert(job.id)
        }
        return renewed
    }

    public func complete(_ lease: JobLease) async throws {
        guard var job = leased(lease) else { throw JobQueueError.leaseLost(lease) }
        let now = now()
        job.state = .completed
        job.completedAt = now
        job.updatedAt = now
        job.leaseOwner = nil
        job.leaseExpiresAt = nil
        jobs[job.id] = job
    }

    public func fail(_ lease: JobLease, error: JobAttemptError, retryAt: Date?) async throws -> JobState {
        guard var job = leased(lease) else { throw JobQueueError.leaseLost(lease) }
        kindUnknownSince[job.id] = nil
        job.errors.append(error)
        job.leaseOwner = nil
        job.leaseExpiresAt = nil
        job.updatedAt = now()
        if let retryAt, job.attempt < job.maxAttempts {
            job.state = .scheduled
            job.runAt = retryAt
        } else {
            job.state = .dead
        }
        jobs[job.id] = job
        return job.state
    }

    public func release(_ lease: JobLease) async throws {
        guard var job = leased(lease) else { throw JobQueueError.leaseLost(lease) }
        kindUnknownSince[job.id] = nil
        job.state = .available
        job.attempt -= 1
        job.leaseOwner = nil
        job.leaseExpiresAt = nil
        job.updatedAt = now()
        jobs[job.id] = job
        notifier.notify(queue: job.queue)
    }

    public func releaseUnknownKind(_ lease: JobLease, retryAt: Date, grace: Duration, error: JobAttemptError)
        async throws -> JobState
    {
        guard var job = leased(lease) else { throw JobQueueError.leaseLost(lease) }
        let now = now()
        let since = kindUnknownSince[job.id] ?? now
        job.leaseOwner = nil
        job.leaseExpiresAt = nil
        job.updatedAt = now
        if since <= now - grace.seconds {
            kindUnknownSince[job.id] = nil
            job.state = .dead
            job.errors.append(error)
        } else {
            kindUnknownSince[job.id] = since
            job.state = .scheduled
            job.attempt -= 1
            job.runAt = retryAt
        }
        jobs[job.id] = job
        return job.state
    }

    public func job(id: String) async throws -> Job? { jobs[id] }

    public func statistics(queues: [String]) async throws -> [String: QueueStatistics] {
        let now = now()
        var result = Dictionary(uniqueKeysWithValues: queues.map { ($0, QueueStatistics()) })
        for job in jobs.values {
            guard var stats = result[job.queue] else { continue }
            switch job.state {
            case .available, .scheduled:
                if job.runAt <= now {
                    stats.available += 1
                    stats.oldestAvailableAgeSeconds = max(
                        stats.oldestAvailableAgeSeconds, now.timeIntervalSince(job.runAt))
                } else {
                    stats.scheduled += 1
                }
            case .running: stats.running += 1
            case .dead: stats.dead += 1
            case .completed:
                if let completedAt = job.completedAt, now.timeIntervalSince(completedAt) <= 3600 {
                    stats.completedLastHour += 1
                }
            }
            result[job.queue] = stats
        }
        for (queue, counted) in ranInline where result[queue] != nil {
            result[queue]?.completedLastHour += counted.filter { now.timeIntervalSince($0) <= 3600 }.count
        }
        return result
    }

    private func leased(_ lease: JobLease) -> Job? {
        guard let job = jobs[lease.jobID], job.lease == lease else { return nil }
        return job
    }

    public func deadJobs(queue: String?, limit: Int, offset: Int) async throws -> (jobs: [Job], total: Int) {
        let dead = jobs.values.filter { $0.state == .dead && (queue == nil || $0.queue == queue) }
            .sorted { ($0.updatedAt, $0.id) > ($1.updatedAt, $1.id) }
        return (Array(dead.dropFirst(offset).prefix(limit)), dead.count)
    }

    public func retryDeadJob(id: String) async throws -> Job? {
        guard var job = jobs[id], job.state == .dead else { return nil }
        let now = now()
        kindUnknownSince[id] = nil
        publishedAttempts[id] = nil
        let perRun = attemptsPerRun[id] ?? job.maxAttempts
        attemptsPerRun[id] = perRun
        job.state = .available
        job.attempt += 1
        job.maxAttempts = job.attempt + perRun
        job.runAt = now
        job.updatedAt = now
        jobs[id] = job
        notifier.notify(queue: job.queue)
        return job
    }

    public func retryDeadJobs(queue: String?) async throws -> Int {
        let ids = jobs.values.filter { $0.state == .dead && (queue == nil || $0.queue == queue) }.map(\.id)
        for id in ids { _ = try await retryDeadJob(id: id) }
        return ids.count
    }

    public func discardDeadJob(id: String) async throws -> Bool {
        guard let job = jobs[id], job.state == .dead else { return false }
        jobs[id] = nil
        kindUnknownSince[id] = nil
        publishedAttempts[id] = nil
        attemptsPerRun[id] = nil
        if let key = job.dedupeKey { dedupeIndex[DedupeKey(queue: job.queue, key: key)] = nil }
        return true
    }

    public func recordHeartbeat(_ heartbeat: WorkerHeartbeat) async throws {
        workers[heartbeat.workerID] = heartbeat
    }

    public func workers(seenSince date: Date) async throws -> [WorkerHeartbeat] {
        workers.values.filter { $0.lastSeenAt >= date }.sorted {
            ($0.startedAt, $0.workerID) < ($1.startedAt, $1.workerID)
        }
    }

    public func removeWorker(id: String) async throws {
        workers[id] = nil
    }

    public func pruneCompletedJobs(before date: Date, limit: Int) async throws -> Int {
        let staleBefore = now() - WorkerHeartbeat.staleAfter.seconds
        workers = workers.filter { $0.value.lastSeenAt >= staleBefore }
        let old = jobs.values.filter { $0.state == .completed && ($0.completedAt ?? date) < date }.prefix(
            limit)
        for job in old {
            jobs[job.id] = nil
            publishedAttempts[job.id] = nil
            attemptsPerRun[job.id] = nil
            if let key = job.dedupeKey { dedupeIndex[DedupeKey(queue: job.queue, key: key)] = nil }
        }
        return old.count
    }
}
