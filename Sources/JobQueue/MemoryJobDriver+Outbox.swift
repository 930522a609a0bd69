import Foundation

/// The memory driver's jobs as an outbox: the actor runs one operation at a time, so two relays
/// never hold the same job.
extension MemoryJobDriver: JobOutbox {
    public func holdUnpublished(queue: String, limit: Int, owner: String, hold: Duration) async throws
        -> [OutboxEntry]
    {
        let now = now()
        let held = jobs.values
            .filter { $0.queue == queue && isUnpublished($0) && !isHeld($0.id, at: now) }
            .sorted { ($0.runAt, $0.id) < ($1.runAt, $1.id) }
            .prefix(limit)
        for job in held { relayHolds[job.id] = (owner, now + hold.seconds) }
        return held.map {
            OutboxEntry(jobID: $0.id, queue: $0.queue, kind: $0.kind, attempt: $0.attempt, runAt: $0.runAt)
        }
    }

    public func markPublished(_ entries: [OutboxEntry], owner: String, reclaimAfter: Duration) async throws
        -> Set<String>
    {
        let now = now()
        var marked: Set<String> = []
        for entry in entries {
            guard var job = jobs[entry.jobID], job.attempt == entry.attempt, isUnpublished(job),
                relayHolds[job.id]?.owner == owner
            else { continue }
            relayHolds[job.id] = nil
            publishedAttempts[job.id] = job.attempt
            job.runAt = max(job.runAt, now) + reclaimAfter.seconds
            jobs[job.id] = job
            marked.insert(job.id)
        }
        return marked
    }

    public func releaseHeld(_ entries: [OutboxEntry], owner: String) async throws {
        for entry in entries where relayHolds[entry.jobID]?.owner == owner {
            relayHolds[entry.jobID] = nil
        }
    }

    public func unpublishedCounts(queues: [String]) async throws -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: queues.map { ($0, 0) })
        for job in jobs.values where isUnpublished(job) {
            counts[job.queue]? += 1
        }
        return counts
    }

    public func markDeadLettered(jobID: String, attempt: Int, message: String) async throws -> Job? {
        let now = now()
        guard var job = jobs[jobID] else { return nil }
        switch job.state {
        case .available, .scheduled:
            guard job.attempt == attempt else { return nil }
        case .running where (job.leaseExpiresAt ?? now) <= now:
            guard job.attempt == attempt || job.attempt == attempt + 1 else { return nil }
        case .running, .completed, .dead: return nil
        }
        relayHolds[jobID] = nil
        job.errors.append(JobAttemptError(attempt: job.attempt, failedAt: now, message: message))
        job.state = .dead
        job.leaseOwner = nil
        job.leaseExpiresAt = nil
        job.updatedAt = now
        jobs[jobID] = job
        return job
    }

    /// Whether `job` waits for a message for its current attempt.
    func isUnpublished(_ job: Job) -> Bool {
        (job.state == .available || job.state == .scheduled) && publishedAttempts[job.id] != job.attempt
    }

    /// Whether a relay holds the job at `now`.
    func isHeld(_ id: String, at now: Date) -> Bool {
        relayHolds[id].map { $0.until > now } ?? false
    }
}
