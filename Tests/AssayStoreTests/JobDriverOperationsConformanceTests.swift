import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// Dead letters, heartbeats and pruning: the operations every job driver offers, on each backend.
@Suite("Job driver conformance: operations", .timeLimit(.minutes(5)))
struct JobDriverOperationsConformanceTests {
    /// Enqueues a job on `queue` and makes it dead with one failed attempt.
    func deadJob(_ driver: any JobQueueDriver, queue: String, clock: TestClock, message: String = "boom")
        async throws
        -> String
    {
        let id = try await driver.enqueue(
            JobRequest(queue: queue, kind: "k", payload: Data(#"{"a":1}"#.utf8))
        ).job.id
        let job = try #require(
            try await driver.claimNextJobs(queue: queue, limit: 1, owner: "w", leaseDuration: .seconds(30))
                .first)
        let failure = JobAttemptError(attempt: job.attempt, failedAt: clock.now(), message: message)
        #expect(try await driver.fail(try #require(job.lease), error: failure, retryAt: nil) == .dead)
        clock.advance(seconds: 1)
        return id
    }

    @Test(
        "dead jobs are listed newest first, by queue, paged", arguments: ConformanceBackends.withInjectedClock
    )
    func listing(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let first = try await deadJob(driver, queue: "scoring-jobs", clock: clock)
            let second = try await deadJob(driver, queue: "report-jobs", clock: clock)
            let third = try await deadJob(driver, queue: "scoring-jobs", clock: clock)
            _ = try await driver.enqueue(JobRequest(queue: "scoring-jobs", kind: "k", payload: Data()))
            let all = try await driver.deadJobs(queue: nil, limit: 10, offset: 0)
            #expect(all.total == 3)
            #expect(all.jobs.map(\.id) == [third, second, first])
            let scoring = try await driver.deadJobs(queue: "scoring-jobs", limit: 1, offset: 1)
            #expect(scoring.total == 2)
            #expect(scoring.jobs.map(\.id) == [first])
            #expect(scoring.jobs.first?.errors.map(\.message) == ["boom"])
        }
    }

    @Test(
        "a retried dead job gets fresh attempts under new attempt numbers and keeps its history",
        arguments: ConformanceBackends.withInjectedClock)
    func retryOne(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let id = try await deadJob(driver, queue: "scoring-jobs", clock: clock)
            let retried = try #require(try await driver.retryDeadJob(id: id))
            #expect(retried.state == .available)
            #expect(retried.attempt == 2, "one past the dead attempt")
            #expect(retried.maxAttempts == 6, "as many attempts as the job was first given")
            #expect(retried.errors.map(\.message) == ["boom"])
            #expect(try await driver.retryDeadJob(id: id) == nil)
            #expect(try await driver.retryDeadJob(id: "unknown") == nil)
            let again = try #require(
                try await driver.claimNextJobs(
                    queue: "scoring-jobs", limit: 1, owner: "w", leaseDuration: .seconds(30)
                ).first)
            #expect(again.id == id)
            #expect(again.attempt == 3)
            #expect(try await driver.statistics(queues: ["scoring-jobs"])["scoring-jobs"]?.dead == 0)
        }
    }

    @Test("retrying all dead jobs, or those of one queue", arguments: ConformanceBackends.withInjectedClock)
    func retryAll(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            for _ in 0..<3 { _ = try await deadJob(driver, queue: "scoring-jobs", clock: clock) }
            for _ in 0..<2 { _ = try await deadJob(driver, queue: "report-jobs", clock: clock) }
            #expect(try await driver.retryDeadJobs(queue: "report-jobs") == 2)
            #expect(try await driver.deadJobs(queue: nil, limit: 10, offset: 0).total == 3)
            #expect(try await driver.retryDeadJobs(queue: nil) == 3)
            #expect(try await driver.deadJobs(queue: nil, limit: 10, offset: 0).total == 0)
            #expect(try await driver.statistics(queues: ["scoring-jobs"])["scoring-jobs"]?.available == 3)
        }
    }

    @Test(
        "a discarded dead job is gone; live jobs cannot be discarded",
        arguments: ConformanceBackends.withInjectedClock)
    func discard(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let dead = try await deadJob(driver, queue: "scoring-jobs", clock: clock)
            let live = try await driver.enqueue(JobRequest(queue: "scoring-jobs", kind: "k", payload: Data()))
                .job.id
            #expect(try await driver.discardDeadJob(id: dead))
            #expect(try await driver.discardDeadJob(id: dead) == false)
            #expect(try await driver.discardDeadJob(id: live) == false)
            #expect(try await driver.job(id: dead) == nil)
            #expect(try await driver.job(id: live)?.state == .available)
        }
    }

    @Test(
        "heartbeats list the workers alive and forget the silent ones",
        arguments: ConformanceBackends.withInjectedClock)
    func heartbeats(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            func beat(_ id: String, startedAt: Date) -> WorkerHeartbeat {
                WorkerHeartbeat(
                    workerID: id, queues: ["scoring-jobs", "report-jobs"], host: "host", processID: 42,
                    startedAt: startedAt, lastSeenAt: clock.now())
            }
            let start = clock.now()
            try await driver.recordHeartbeat(beat("old", startedAt: start))
            clock.advance(seconds: 10)
            try await driver.recordHeartbeat(beat("new", startedAt: clock.now()))
            let alive = try await driver.workers(seenSince: clock.now() - 15)
            #expect(alive.map(\.workerID) == ["old", "new"])
            #expect(alive.first?.queues == ["scoring-jobs", "report-jobs"])
            #expect(alive.first?.processID == 42)
            clock.advance(seconds: 10)
            try await driver.recordHeartbeat(beat("new", startedAt: start + 10))
            #expect(try await driver.workers(seenSince: clock.now() - 15).map(\.workerID) == ["new"])
            try await driver.removeWorker(id: "new")
            #expect(try await driver.workers(seenSince: clock.now() - 15).isEmpty)
        }
    }

    @Test(
        "listing the workers writes nothing; the prune forgets the silent ones",
        arguments: JobDriverBackend.allCases)
    func workersAreReadOnly(backend: JobDriverBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            try await driver.recordHeartbeat(
                WorkerHeartbeat(
                    workerID: "silent", queues: ["scoring-jobs"], host: "host", processID: 42,
                    startedAt: clock.now(), lastSeenAt: clock.now()))
            clock.advance(seconds: 60)
            #expect(try await driver.workers(seenSince: clock.now() - 15).isEmpty)
            #expect(try await driver.workers(seenSince: .distantPast).map(\.workerID) == ["silent"])
            _ = try await driver.pruneCompletedJobs(before: clock.now(), limit: 1000)
            #expect(try await driver.workers(seenSince: .distantPast).isEmpty)
        }
    }

    @Test(
        "pruning deletes old completed jobs in batches and never dead ones",
        arguments: ConformanceBackends.withInjectedClock)
    func prune(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            for index in 0..<5 {
                _ = try await driver.enqueue(
                    JobRequest(queue: "scoring-jobs", kind: "k", payload: Data(), dedupeKey: "old-\(index)"))
            }
            let old = try await driver.claimNextJobs(
                queue: "scoring-jobs", limit: 5, owner: "w", leaseDuration: .seconds(30))
            for job in old { try await driver.complete(try #require(job.lease)) }
            let dead = try await deadJob(driver, queue: "scoring-jobs", clock: clock)
            clock.advance(seconds: 100)
            let recent = try await driver.enqueue(
                JobRequest(queue: "scoring-jobs", kind: "k", payload: Data())
            ).job
            let claimed = try #require(
                try await driver.claimNextJobs(
                    queue: "scoring-jobs", limit: 1, owner: "w", leaseDuration: .seconds(30)
                ).first)
            try await driver.complete(try #require(claimed.lease))
            let cutoff = clock.now() - 50
            #expect(try await driver.pruneCompletedJobs(before: cutoff, limit: 3) == 3)
            #expect(try await driver.pruneCompletedJobs(before: cutoff, limit: 3) == 2)
            #expect(try await driver.pruneCompletedJobs(before: cutoff, limit: 3) == 0)
            #expect(try await driver.job(id: dead)?.state == .dead)
            #expect(try await driver.job(id: recent.id)?.state == .completed)
            let reenqueued = try await driver.enqueue(
                JobRequest(queue: "scoring-jobs", kind: "k", payload: Data(), dedupeKey: "old-0"))
            #expect(reenqueued.inserted)
        }
    }
}
