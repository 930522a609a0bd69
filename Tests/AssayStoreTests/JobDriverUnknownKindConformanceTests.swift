import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// Rolling deploys on every backend: a job given back by a worker that does not know its kind
/// keeps its attempts, and is dead only once no worker has known the kind for the grace period.
@Suite("Job driver conformance: unknown kinds", .timeLimit(.minutes(5)))
struct JobDriverUnknownKindConformanceTests {
    static let queue = "scoring-jobs"
    static let grace: Duration = .seconds(900)

    func claim(_ driver: any JobQueueDriver) async throws -> JobLease? {
        try await driver.claimNextJobs(queue: Self.queue, limit: 1, owner: "w", leaseDuration: .seconds(30))
            .first?.lease
    }

    func unknown(_ lease: JobLease, clock: TestClock) -> JobAttemptError {
        JobAttemptError(
            attempt: lease.attempt, failedAt: clock.now(), message: "no handler for job kind 'new'")
    }

    func giveBack(_ driver: any JobQueueDriver, _ lease: JobLease, clock: TestClock) async throws -> JobState
    {
        try await driver.releaseUnknownKind(
            lease, retryAt: clock.now() + 10, grace: Self.grace, error: unknown(lease, clock: clock))
    }

    @Test(
        "a job given back is claimable again after the delay, with no attempt spent, until the grace runs out",
        arguments: ConformanceBackends.withInjectedClock)
    func givenBackUntilGraceRunsOut(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let id = try await driver.enqueue(
                JobRequest(queue: Self.queue, kind: "new", payload: Data("{}".utf8), maxAttempts: 2)
            ).job.id
            var lease = try #require(try await claim(driver))
            #expect(try await giveBack(driver, lease, clock: clock) == .scheduled)
            let waiting = try #require(try await driver.job(id: id))
            #expect(waiting.state == .scheduled)
            #expect(waiting.attempt == 0)
            #expect(waiting.leaseOwner == nil)
            #expect(waiting.errors.isEmpty)
            #expect(try await claim(driver) == nil, "not before the delay")
            await #expect(throws: JobQueueError.self) { try await giveBack(driver, lease, clock: clock) }

            // More releases than the job has attempts, within the grace.
            for _ in 0..<4 {
                clock.advance(seconds: 200)
                lease = try #require(try await claim(driver))
                #expect(lease.attempt == 1)
                #expect(try await giveBack(driver, lease, clock: clock) == .scheduled)
            }
            clock.advance(seconds: 150)
            lease = try #require(try await claim(driver))
            let error = unknown(lease, clock: clock)
            #expect(
                try await driver.releaseUnknownKind(
                    lease, retryAt: clock.now() + 10, grace: Self.grace, error: error) == .dead)
            let dead = try #require(try await driver.job(id: id))
            #expect(dead.state == .dead)
            #expect(dead.errors == [error])
            #expect(try await driver.deadJobs(queue: nil, limit: 10, offset: 0).total == 1)
        }
    }

    @Test("with no grace a job of an unknown kind is dead at once", arguments: ConformanceBackends.all)
    func noGrace(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let id = try await driver.enqueue(
                JobRequest(queue: Self.queue, kind: "new", payload: Data("{}".utf8))
            )
            .job.id
            let lease = try #require(try await claim(driver))
            #expect(
                try await driver.releaseUnknownKind(
                    lease, retryAt: clock.now() + 10, grace: .zero, error: unknown(lease, clock: clock))
                    == .dead)
            #expect(try await driver.job(id: id)?.errors.count == 1)
        }
    }

    @Test(
        "a worker that knows the kind, or an admin's retry, starts the grace afresh",
        arguments: ConformanceBackends.withInjectedClock)
    func knownKindEndsTheGrace(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let id = try await driver.enqueue(
                JobRequest(queue: Self.queue, kind: "new", payload: Data("{}".utf8))
            )
            .job.id
            var lease = try #require(try await claim(driver))
            #expect(try await giveBack(driver, lease, clock: clock) == .scheduled)
            clock.advance(seconds: 890)
            // A worker of the new version runs it and fails it; it is retried.
            lease = try #require(try await claim(driver))
            let failure = JobAttemptError(attempt: lease.attempt, failedAt: clock.now(), message: "flaky")
            #expect(try await driver.fail(lease, error: failure, retryAt: clock.now() + 5) == .scheduled)
            clock.advance(seconds: 20)
            lease = try #require(try await claim(driver))
            #expect(
                try await giveBack(driver, lease, clock: clock) == .scheduled,
                "910 s after the first, a new grace")

            // An admin's retry of a dead job starts a new grace too.
            clock.advance(seconds: 1000)
            lease = try #require(try await claim(driver))
            #expect(try await giveBack(driver, lease, clock: clock) == .dead)
            #expect(try await driver.retryDeadJob(id: id) != nil)
            lease = try #require(try await claim(driver))
            #expect(try await giveBack(driver, lease, clock: clock) == .scheduled)
        }
    }
}
