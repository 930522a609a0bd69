import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// Claiming one named job, as a broker delivery does: the same promises on every driver.
@Suite("Job driver conformance: claim by id", .timeLimit(.minutes(5)))
struct JobDriverClaimByIDConformanceTests {
    static let queue = "scoring-jobs"

    func request(runAt: Date? = nil, maxAttempts: Int = 4) -> JobRequest {
        JobRequest(
            queue: Self.queue, kind: "score", payload: Data(#"{"n":1}"#.utf8), dedupeKey: nil,
            maxAttempts: maxAttempts, runAt: runAt)
    }

    @Test(
        "a named job is claimed under a lease, even before its run-at", arguments: ConformanceBackends.all)
    func claimsTheNamedJob(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let other = try await driver.enqueue(request()).job
            let named = try await driver.enqueue(request(runAt: clock.now() + 60)).job
            let job = try #require(
                try await driver.claimJob(
                    id: named.id, attempt: 0, owner: "broker", leaseDuration: .seconds(30)))
            #expect(job.id == named.id)
            #expect(job.state == .running)
            #expect(job.attempt == 1)
            #expect(job.leaseOwner == "broker")
            #expect(job.leaseExpiresAt == backend.leaseExpiry(of: job, seconds: 30, clock: clock))
            #expect(try await driver.job(id: other.id)?.state == .available)
            try await driver.complete(try #require(job.lease))
            #expect(try await driver.job(id: named.id)?.state == .completed)
        }
    }

    @Test(
        "nothing is claimed for an unknown, completed, dead or running job, or a stale delivery",
        arguments: ConformanceBackends.all)
    func refusals(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            func claim(_ id: String, attempt: Int?) async throws -> Job? {
                try await driver.claimJob(
                    id: id, attempt: attempt, owner: "broker", leaseDuration: .seconds(30))
            }
            #expect(try await claim("no-such-job", attempt: nil) == nil)
            let id = try await driver.enqueue(request()).job.id
            #expect(try await claim(id, attempt: 1) == nil)
            let running = try #require(try await claim(id, attempt: nil))
            #expect(try await claim(id, attempt: nil) == nil)
            #expect(try await claim(id, attempt: 1) == nil)
            let failure = JobAttemptError(attempt: 1, failedAt: clock.now(), message: "boom")
            #expect(
                try await driver.fail(try #require(running.lease), error: failure, retryAt: clock.now() + 5)
                    == .scheduled)
            #expect(try await claim(id, attempt: 0) == nil)
            let second = try #require(try await claim(id, attempt: 1))
            #expect(second.attempt == 2)
            try await driver.complete(try #require(second.lease))
            #expect(try await claim(id, attempt: nil) == nil)
            #expect(try await claim(id, attempt: 2) == nil)

            let dead = try await driver.enqueue(request()).job.id
            let last = try #require(try await claim(dead, attempt: 0))
            _ = try await driver.fail(try #require(last.lease), error: failure, retryAt: nil)
            #expect(try await claim(dead, attempt: nil) == nil)
            #expect(try await driver.job(id: dead)?.state == .dead)
        }
    }

    @Test(
        "a job whose lease expired is claimed again by id, or made dead on its last attempt",
        arguments: ConformanceBackends.withInjectedClock)
    func expiredLease(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let id = try await driver.enqueue(request(maxAttempts: 2)).job.id
            let crashed = try #require(
                try await driver.claimJob(id: id, attempt: 0, owner: "crashed", leaseDuration: .seconds(10)))
            clock.advance(seconds: 10)
            let second = try #require(
                try await driver.claimJob(id: id, attempt: 1, owner: "broker", leaseDuration: .seconds(10)))
            #expect(second.attempt == 2)
            #expect(second.errors.map(\.message) == [JobLeaseExpiry.message])
            let oldLease = try #require(crashed.lease)
            await #expect(throws: JobQueueError.leaseLost(oldLease)) { try await driver.complete(oldLease) }
            clock.advance(seconds: 10)
            #expect(
                try await driver.claimJob(id: id, attempt: 2, owner: "broker", leaseDuration: .seconds(10))
                    == nil)
            let dead = try #require(try await driver.job(id: id))
            #expect(dead.state == .dead)
            #expect(dead.errors.map(\.message) == [JobLeaseExpiry.message, JobLeaseExpiry.message])
        }
    }

    @Test("concurrent claims of one job by id give it to one claimer", arguments: ConformanceBackends.all)
    func exclusive(backend: any JobDriverConformanceBackend) async throws {
        try await backend.withDriver(clock: TestClock()) { driver in
            let id = try await driver.enqueue(request()).job.id
            let winners = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        let job = try await driver.claimJob(
                            id: id, attempt: 0, owner: "w\(worker)", leaseDuration: .seconds(30))
                        return job == nil ? 0 : 1
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(winners == 1)
        }
    }
}
