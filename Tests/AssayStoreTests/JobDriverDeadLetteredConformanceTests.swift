import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// A job whose Service Bus message the broker dead-lettered: made dead in one conditional
/// statement when it still waits for that message, left alone when the message is stale, never run
/// again unless an admin retries it, and then under an attempt number never used before.
@Suite("Job driver conformance: dead-lettered messages", .timeLimit(.minutes(5)))
struct JobDriverDeadLetteredConformanceTests {
    static let queue = "scoring-jobs"
    static let reason = "Service Bus dead-lettered its message (MaxDeliveryCountExceeded)"

    func outbox(of driver: any JobQueueDriver) throws -> any JobOutbox {
        try #require(driver as? any JobOutbox)
    }

    /// Enqueues a job and marks its first attempt published, as a relay does.
    func publishedJob(_ driver: any JobQueueDriver, maxAttempts: Int = 4) async throws -> String {
        let outbox = try outbox(of: driver)
        let id = try await driver.enqueue(
            JobRequest(
                queue: Self.queue, kind: "score", payload: Data(), dedupeKey: nil, maxAttempts: maxAttempts)
        ).job.id
        let held = try await outbox.holdUnpublished(
            queue: Self.queue, limit: 10, owner: "relay", hold: .seconds(30))
        #expect(
            try await outbox.markPublished(held, owner: "relay", reclaimAfter: .seconds(60)).contains(id))
        return id
    }

    @Test(
        "a published job whose message was dead-lettered becomes dead, and no worker runs it after",
        arguments: ConformanceBackends.withInjectedClock)
    func publishedJobBecomesDead(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let id = try await publishedJob(driver)
            let dead = try #require(
                try await outbox.markDeadLettered(jobID: id, attempt: 0, message: Self.reason))
            #expect(dead.state == .dead)
            #expect(dead.attempt == 0)
            #expect(dead.errors.map(\.message) == [Self.reason])
            #expect(dead.errors.map(\.attempt) == [0])
            #expect(try await driver.job(id: id) == dead)
            #expect(try await driver.deadJobs(queue: Self.queue, limit: 10, offset: 0).jobs.map(\.id) == [id])
            #expect(try await driver.statistics(queues: [Self.queue])[Self.queue]?.dead == 1)

            // Past the reclaim window, neither a database worker nor a late message runs it.
            clock.advance(seconds: 3600)
            #expect(
                try await driver.claimNextJobs(
                    queue: Self.queue, limit: 10, owner: "local", leaseDuration: .seconds(30)
                ).isEmpty)
            #expect(
                try await driver.claimJob(id: id, attempt: 0, owner: "broker", leaseDuration: .seconds(30))
                    == nil)
            #expect(try await outbox.unpublishedCounts(queues: [Self.queue])[Self.queue] == 0)
            #expect(
                try await outbox.markDeadLettered(jobID: id, attempt: 0, message: "again") == nil,
                "a job dead already is left as it is")
            #expect(try await driver.job(id: id)?.errors.map(\.message) == [Self.reason])
        }
    }

    @Test(
        "a job whose delivery started an attempt and crashed becomes dead once its lease expired",
        arguments: ConformanceBackends.withInjectedClock)
    func crashedDeliveryBecomesDead(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let id = try await publishedJob(driver)
            _ = try #require(
                try await driver.claimJob(id: id, attempt: 0, owner: "crashed", leaseDuration: .seconds(10)))
            #expect(
                try await outbox.markDeadLettered(jobID: id, attempt: 0, message: Self.reason) == nil,
                "running under a live lease")
            clock.advance(seconds: 10)
            let dead = try #require(
                try await outbox.markDeadLettered(jobID: id, attempt: 0, message: Self.reason))
            #expect(dead.state == .dead)
            #expect(dead.attempt == 1)
            #expect(dead.leaseOwner == nil)
            #expect(dead.errors.map(\.attempt) == [1])
            clock.advance(seconds: 3600)
            #expect(
                try await driver.claimNextJobs(
                    queue: Self.queue, limit: 10, owner: "local", leaseDuration: .seconds(30)
                ).isEmpty)
        }
    }

    @Test(
        "a stale message leaves a completed, unknown or moved-on job as it is",
        arguments: ConformanceBackends.withInjectedClock)
    func staleMessagesChangeNothing(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let done = try await publishedJob(driver)
            let running = try #require(
                try await driver.claimJob(id: done, attempt: 0, owner: "broker", leaseDuration: .seconds(30)))
            try await driver.complete(try #require(running.lease))

            let retried = try await publishedJob(driver)
            let failing = try #require(
                try await driver.claimJob(
                    id: retried, attempt: 0, owner: "broker", leaseDuration: .seconds(30)))
            let failure = JobAttemptError(attempt: 1, failedAt: clock.now(), message: "boom")
            #expect(
                try await driver.fail(try #require(failing.lease), error: failure, retryAt: clock.now() + 5)
                    == .scheduled)

            // The attempt after a crashed one started, and is running.
            let crashed = try await publishedJob(driver)
            _ = try await driver.claimJob(id: crashed, attempt: 0, owner: "a", leaseDuration: .seconds(10))
            clock.advance(seconds: 10)
            _ = try #require(
                try await driver.claimJob(id: crashed, attempt: 0, owner: "b", leaseDuration: .seconds(10)))
            clock.advance(seconds: 10)

            let before = [
                try await driver.job(id: done), try await driver.job(id: retried),
                try await driver.job(id: crashed),
            ]
            for id in [done, retried, crashed, "no-such-job"] {
                #expect(try await outbox.markDeadLettered(jobID: id, attempt: 0, message: Self.reason) == nil)
            }
            #expect(
                [
                    try await driver.job(id: done), try await driver.job(id: retried),
                    try await driver.job(id: crashed),
                ]
                    == before)
        }
    }

    @Test(
        "a dead-lettered job retried by an admin is published again under a new attempt, with fresh attempts",
        arguments: ConformanceBackends.withInjectedClock)
    func retryPublishesANewAttempt(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let id = try await publishedJob(driver, maxAttempts: 2)
            _ = try #require(try await outbox.markDeadLettered(jobID: id, attempt: 0, message: Self.reason))
            let retried = try #require(try await driver.retryDeadJob(id: id))
            #expect(retried.state == .available)
            #expect(retried.attempt == 1)
            #expect(retried.maxAttempts == 3)
            #expect(retried.errors.map(\.message) == [Self.reason])
            let held = try await outbox.holdUnpublished(
                queue: Self.queue, limit: 10, owner: "relay", hold: .seconds(30))
            #expect(held.map(\.jobID) == [id])
            #expect(held.map(\.attempt) == [1], "a message for attempt 0 was sent already")
            #expect(
                try await driver.claimJob(id: id, attempt: 0, owner: "late", leaseDuration: .seconds(30))
                    == nil,
                "a late message of the dead-lettered attempt stays stale")

            // Its two fresh attempts fail: it is dead again, and a second retry gives it two more.
            for attempt in [2, 3] {
                let job = try #require(
                    try await driver.claimJob(id: id, attempt: nil, owner: "w", leaseDuration: .seconds(30)))
                #expect(job.attempt == attempt)
                let failure = JobAttemptError(attempt: attempt, failedAt: clock.now(), message: "boom")
                _ = try await driver.fail(try #require(job.lease), error: failure, retryAt: clock.now())
            }
            #expect(try await driver.job(id: id)?.state == .dead)
            let again = try #require(try await driver.retryDeadJob(id: id))
            #expect(again.attempt == 4)
            #expect(again.maxAttempts == 6)
        }
    }
}
