import AssayTestSupport
import Foundation
import JobQueue
import Synchronization
import Testing

@Suite("Job worker", .timeLimit(.minutes(5)))
struct JobWorkerTests {
    final class Counter: Sendable {
        private let value = Mutex(0)
        func increment() -> Int {
            value.withLock {
                $0 += 1
                return $0
            }
        }
        var count: Int { value.withLock { $0 } }
    }

    @Test("jobs of every queue run and complete")
    func runsJobs() async throws {
        let driver = MemoryJobDriver()
        let ran = Counter()
        let handler = ClosureHandler(kind: "work") { _ in _ = ran.increment() }
        var ids: [String] = []
        try await withWorker(driver: driver, handlers: [handler], options: fastOptions(queues: ["a", "b"])) {
            for index in 0..<20 {
                let queue = index.isMultiple(of: 2) ? "a" : "b"
                ids.append(
                    try await driver.enqueue(JobRequest(queue: queue, kind: "work", payload: Data())).job.id)
            }
            #expect(try await eventually { ran.count == 20 })
            #expect(
                try await eventually {
                    var states: [JobState] = []
                    for id in ids { states.append(try await driver.job(id: id)?.state ?? .dead) }
                    return states.allSatisfy { $0 == .completed }
                })
        }
    }

    @Test("a failing job is retried after a backoff and then succeeds")
    func retries() async throws {
        let driver = MemoryJobDriver()
        let attempts = Counter()
        let handler = ClosureHandler(kind: "flaky") { _ in
            if attempts.increment() < 3 { throw FlakyError() }
        }
        try await withWorker(driver: driver, handlers: [handler], options: fastOptions()) {
            let id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "flaky", payload: Data())).job
                .id
            #expect(try await eventually { try await driver.job(id: id)?.state == .completed })
            let job = try #require(try await driver.job(id: id))
            #expect(job.attempt == 3)
            #expect(job.errors.map(\.attempt) == [1, 2])
            #expect(job.errors.allSatisfy { $0.message.contains("flaky") })
        }
    }

    @Test("a job that always fails is dead after its last attempt, with every error kept")
    func deadLetter() async throws {
        let driver = MemoryJobDriver()
        let handler = ClosureHandler(kind: "broken") { _ in throw FlakyError() }
        try await withWorker(driver: driver, handlers: [handler], options: fastOptions(retries: 2)) {
            let request = JobRequest(queue: "jobs", kind: "broken", payload: Data(), maxAttempts: 3)
            let id = try await driver.enqueue(request).job.id
            #expect(try await eventually { try await driver.job(id: id)?.state == .dead })
            #expect(try await driver.job(id: id)?.errors.map(\.attempt) == [1, 2, 3])
        }
    }

    @Test("a permanent failure goes dead at once")
    func permanent() async throws {
        let driver = MemoryJobDriver()
        let handler = ClosureHandler(kind: "poison") { _ in
            throw JobHandlerError.permanent("payload does not decode")
        }
        try await withWorker(driver: driver, handlers: [handler], options: fastOptions()) {
            let poison = try await driver.enqueue(JobRequest(queue: "jobs", kind: "poison", payload: Data()))
                .job.id
            #expect(try await eventually { try await driver.job(id: poison)?.state == .dead })
            #expect(try await driver.job(id: poison)?.errors.map(\.message) == ["payload does not decode"])
        }
    }

    @Test("a handler's Retry-After sets the earliest retry")
    func retryAfter() async throws {
        let driver = MemoryJobDriver()
        let handler = ClosureHandler(kind: "limited") { _ in
            throw JobHandlerError.retryAfter(.seconds(3600), reason: "rate limited")
        }
        try await withWorker(driver: driver, handlers: [handler], options: fastOptions()) {
            let before = Date()
            let id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "limited", payload: Data())).job
                .id
            #expect(try await eventually { try await driver.job(id: id)?.state == .scheduled })
            let job = try #require(try await driver.job(id: id))
            #expect(job.runAt >= before + 3600)
            #expect(job.errors.first?.message.contains("rate limited") == true)
        }
    }

    @Test("an attempt that runs past its timeout fails and is retried")
    func timeout() async throws {
        let driver = MemoryJobDriver()
        let attempts = Counter()
        let handler = ClosureHandler(kind: "slow", timeout: .milliseconds(100)) { _ in
            if attempts.increment() == 1 { try await Task.sleep(for: .seconds(30)) }
        }
        try await withWorker(driver: driver, handlers: [handler], options: fastOptions()) {
            let id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "slow", payload: Data())).job.id
            #expect(try await eventually { try await driver.job(id: id)?.state == .completed })
            #expect(try await driver.job(id: id)?.errors.map(\.message) == ["timed out after 0.1s"])
        }
    }

    @Test("a job that runs past its lease keeps it: the worker renews every lease it holds")
    func leaseIsRenewed() async throws {
        // The leases run out by the test's clock, which moves only when the test says so; the
        // worker renews them every third of a lease of real time.
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now() }
        let driver = MemoryJobDriver(now: now)
        let started = Counter()
        let released = Mutex(false)
        let handler = ClosureHandler(kind: "long") { _ in
            _ = started.increment()
            while !released.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
        }
        var options = fastOptions()
        options.leaseDuration = .seconds(2)
        try await withWorker(driver: driver, handlers: [handler], options: options, now: now) {
            let ids = try await driver.enqueue(
                (0..<3).map { _ in JobRequest(queue: "jobs", kind: "long", payload: Data()) }
            ).map(\.job.id)
            try #require(try await eventually { started.count == 3 })
            var firstExpiry: [String: Date] = [:]
            for id in ids { firstExpiry[id] = try #require(try await driver.job(id: id)?.leaseExpiresAt) }
            clock.advance(seconds: 1.5)
            #expect(
                try await eventually {
                    for id in ids {
                        let expiry = try await driver.job(id: id)?.leaseExpiresAt ?? .distantPast
                        guard expiry > firstExpiry[id] ?? .distantFuture else { return false }
                    }
                    return true
                }, "every lease was renewed")
            clock.advance(seconds: 1)
            let stolen = try await driver.claimNextJobs(
                queue: "jobs", limit: 3, owner: "thief", leaseDuration: .seconds(30))
            #expect(stolen.isEmpty, "no lease ran out while its job ran")
            released.withLock { $0 = true }
            for id in ids {
                #expect(try await eventually { try await driver.job(id: id)?.state == .completed })
            }
            for id in ids {
                let job = try #require(try await driver.job(id: id))
                #expect(job.attempt == 1)
                #expect(job.errors.isEmpty)
            }
        }
    }

    @Test("an attempt whose lease is lost is cancelled and records nothing; the new holder finishes the job")
    func lostLeaseCancelsTheAttempt() async throws {
        // The test's clock jumps a minute ahead, as if the worker had been cut off from the
        // database past its lease: another worker claims the job, and the renewal finds it gone.
        let clock = TestClock()
        let now: @Sendable () -> Date = { clock.now() }
        let driver = MemoryJobDriver(now: now)
        let runs = Counter()
        let cancelled = Counter()
        let handler = ClosureHandler(kind: "taken") { _ in
            _ = runs.increment()
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                _ = cancelled.increment()
                throw error
            }
        }
        var options = fastOptions()
        options.leaseDuration = .seconds(2)
        try await withWorker(driver: driver, handlers: [handler], options: options, now: now) {
            let id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "taken", payload: Data())).job
                .id
            #expect(try await eventually { runs.count == 1 })
            clock.advance(seconds: 60)
            let taken = try await driver.claimNextJobs(
                queue: "jobs", limit: 1, owner: "other", leaseDuration: .seconds(600))
            try #require(taken.map(\.id) == [id])
            #expect(try await eventually { cancelled.count == 1 })
            let job = try #require(try await driver.job(id: id))
            #expect(job.state == .running)
            #expect(job.leaseOwner == "other")
            #expect(job.attempt == 2)
            #expect(
                job.errors.map(\.message) == [JobLeaseExpiry.message], "only the expiry is in the history")
            try await driver.complete(try #require(taken.first?.lease))
            #expect(runs.count == 1)
        }
    }

    @Test("at shutdown a job that outlives the grace period is released without spending its attempt", .timeLimit(.minutes(1)))
    func releaseAtShutdown() async throws {
        let driver = MemoryJobDriver()
        let started = Counter()
        let cancelled = Counter()
        let handler = ClosureHandler(kind: "endless") { _ in
            _ = started.increment()
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                _ = cancelled.increment()
                throw error
            }
        }
        var id = ""
        try await withWorker(
            driver: driver, handlers: [handler], options: fastOptions(gracePeriod: .milliseconds(200))
        ) {
            id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "endless", payload: Data())).job.id
            #expect(try await eventually { started.count == 1 })
        }
        // The worker's stop cancelled the handler rather than waiting out its hour.
        #expect(cancelled.count == 1)
        let job = try #require(try await driver.job(id: id))
        #expect(job.state == .available)
        #expect(job.attempt == 0)
        #expect(job.errors.isEmpty)
    }

    @Test("at shutdown a job that finishes within the grace period completes")
    func drainAtShutdown() async throws {
        let driver = MemoryJobDriver()
        let started = Counter()
        let handler = ClosureHandler(kind: "short") { _ in
            _ = started.increment()
            try await Task.sleep(for: .milliseconds(300))
        }
        var id = ""
        try await withWorker(
            driver: driver, handlers: [handler], options: fastOptions(gracePeriod: .seconds(10))
        ) {
            id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "short", payload: Data())).job.id
            #expect(try await eventually { started.count == 1 })
        }
        #expect(try await driver.job(id: id)?.state == .completed)
    }
}

struct FlakyError: Error, CustomStringConvertible {
    var description: String { "flaky failure" }
}
