import Foundation
import JobQueue
import Synchronization

/// A driver whose every call fails at once, as a database that is away does; it counts the calls.
final class FailingJobDriver: JobQueueDriver {
    struct Unavailable: Error {}

    let notifier = JobNotifier()
    private let count = Mutex(0)

    /// The calls made so far.
    var calls: Int { count.withLock { $0 } }

    private func fail() throws(Unavailable) -> Never {
        count.withLock { $0 += 1 }
        throw Unavailable()
    }

    func enqueue(_ request: JobRequest) async throws -> EnqueueResult { try fail() }
    func enqueue(_ requests: [JobRequest]) async throws -> [EnqueueResult] { try fail() }
    func claimNextJobs(queue: String, limit: Int, owner: String, leaseDuration: Duration, overdueBy: Duration)
        async throws -> [Job]
    { try fail() }
    func claimJob(id: String, attempt: Int?, owner: String, leaseDuration: Duration) async throws -> Job? {
        try fail()
    }
    func renewLeases(_ leases: [JobLease], for duration: Duration) async throws -> Set<String> { try fail() }
    func complete(_ lease: JobLease) async throws { try fail() }
    func fail(_ lease: JobLease, error: JobAttemptError, retryAt: Date?) async throws -> JobState {
        try fail()
    }
    func release(_ lease: JobLease) async throws { try fail() }
    func releaseUnknownKind(_ lease: JobLease, retryAt: Date, grace: Duration, error: JobAttemptError)
        async throws -> JobState
    { try fail() }
    func job(id: String) async throws -> Job? { try fail() }
    func statistics(queues: [String]) async throws -> [String: QueueStatistics] { try fail() }
    func deadJobs(queue: String?, limit: Int, offset: Int) async throws -> (jobs: [Job], total: Int) {
        try fail()
    }
    func retryDeadJob(id: String) async throws -> Job? { try fail() }
    func retryDeadJobs(queue: String?) async throws -> Int { try fail() }
    func discardDeadJob(id: String) async throws -> Bool { try fail() }
    func recordHeartbeat(_ heartbeat: WorkerHeartbeat) async throws { try fail() }
    func workers(seenSince date: Date) async throws -> [WorkerHeartbeat] { try fail() }
    func removeWorker(id: String) async throws { try fail() }
    func pruneCompletedJobs(before date: Date, limit: Int) async throws -> Int { try fail() }
}
