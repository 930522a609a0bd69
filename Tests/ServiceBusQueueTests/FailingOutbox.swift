import JobQueue
import Synchronization

/// An outbox whose every call fails at once, as a database that is away does; it counts the calls.
final class FailingOutbox: JobOutbox {
    struct Unavailable: Error {}

    private let count = Mutex(0)

    /// The calls made so far.
    var calls: Int { count.withLock { $0 } }

    private func fail() throws(Unavailable) -> Never {
        count.withLock { $0 += 1 }
        throw Unavailable()
    }

    func holdUnpublished(queue: String, limit: Int, owner: String, hold: Duration) async throws
        -> [OutboxEntry]
    {
        try fail()
    }

    func markPublished(_ entries: [OutboxEntry], owner: String, reclaimAfter: Duration) async throws -> Set<
        String
    > {
        try fail()
    }

    func releaseHeld(_ entries: [OutboxEntry], owner: String) async throws { try fail() }

    func unpublishedCounts(queues: [String]) async throws -> [String: Int] { try fail() }

    func markDeadLettered(jobID: String, attempt: Int, message: String) async throws -> Job? { try fail() }
}
