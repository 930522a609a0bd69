import JobQueue

/// An outbox that holds nothing and counts what it was given as unpublished.
struct FixedOutbox: JobOutbox {
    var unpublished: [String: Int]

    func holdUnpublished(queue: String, limit: Int, owner: String, hold: Duration) async throws
        -> [OutboxEntry]
    { [] }

    func markPublished(_ entries: [OutboxEntry], owner: String, reclaimAfter: Duration) async throws
        -> Set<String>
    { [] }

    func releaseHeld(_ entries: [OutboxEntry], owner: String) async throws {}

    func unpublishedCounts(queues: [String]) async throws -> [String: Int] {
        unpublished.filter { queues.contains($0.key) }
    }

    func markDeadLettered(jobID: String, attempt: Int, message: String) async throws -> Job? { nil }
}
