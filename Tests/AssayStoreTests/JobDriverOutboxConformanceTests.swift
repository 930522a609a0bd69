import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// The jobs table as an outbox, and the database claims that leave published and held jobs to the
/// broker: the same promises on every driver.
@Suite("Job driver conformance: outbox", .timeLimit(.minutes(5)))
struct JobDriverOutboxConformanceTests {
    static let queue = "scoring-jobs"

    func request(queue: String = queue, runAt: Date? = nil) -> JobRequest {
        JobRequest(
            queue: queue, kind: "score", payload: Data(#"{"n":1}"#.utf8), dedupeKey: nil, runAt: runAt)
    }

    func outbox(of driver: any JobQueueDriver) throws -> any JobOutbox {
        try #require(driver as? any JobOutbox)
    }

    func hold(_ outbox: any JobOutbox, owner: String, limit: Int = 10) async throws -> [OutboxEntry] {
        try await outbox.holdUnpublished(queue: Self.queue, limit: limit, owner: owner, hold: .seconds(30))
    }

    func claimAll(_ driver: any JobQueueDriver, overdueBy: Duration = .zero) async throws -> [String] {
        try await driver.claimNextJobs(
            queue: Self.queue, limit: 10, owner: "local", leaseDuration: .seconds(3600), overdueBy: overdueBy
        ).map(\.id)
    }

    @Test(
        "a hold takes unpublished jobs oldest first, skips held ones, and runs out",
        arguments: ConformanceBackends.withInjectedClock)
    func holdSkipsHeldJobs(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let later = try await driver.enqueue(request(runAt: clock.now() + 60)).job
            let first = try await driver.enqueue(request(runAt: clock.now() + 1)).job
            let second = try await driver.enqueue(request(runAt: clock.now() + 2)).job
            _ = try await driver.enqueue(request(queue: "report-jobs"))

            let held = try await hold(outbox, owner: "relay-a", limit: 2)
            #expect(held.map(\.jobID) == [first.id, second.id])
            #expect(held.map(\.attempt) == [0, 0])
            #expect(held.map(\.kind) == ["score", "score"])
            #expect(held.map(\.runAt) == [clock.now() + 1, clock.now() + 2])
            let rest = try await hold(outbox, owner: "relay-b")
            #expect(rest.map(\.jobID) == [later.id])
            #expect(rest.first?.runAt == clock.now() + 60)
            #expect(try await hold(outbox, owner: "relay-b").isEmpty)
            clock.advance(seconds: 29)
            #expect(try await hold(outbox, owner: "relay-c").isEmpty)
            clock.advance(seconds: 1)
            #expect(
                Set(try await hold(outbox, owner: "relay-c").map(\.jobID)) == [first.id, second.id, later.id])
        }
    }

    @Test("relays holding at once never hold the same job", arguments: ConformanceBackends.all)
    func exclusiveHolds(backend: any JobDriverConformanceBackend) async throws {
        try await backend.withDriver(clock: TestClock()) { driver in
            let outbox = try outbox(of: driver)
            _ = try await driver.enqueue((0..<120).map { _ in request() })
            let held = try await withThrowingTaskGroup(of: [String].self) { group in
                for relay in 0..<8 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let entries = try await hold(outbox, owner: "relay-\(relay)", limit: 7)
                            if entries.isEmpty { return mine }
                            mine += entries.map(\.jobID)
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(held.count == 120)
            #expect(Set(held).count == 120)
        }
    }

    @Test(
        "only the holder marks jobs published, and only those still unpublished at the held attempt",
        arguments: ConformanceBackends.withInjectedClock)
    func markPublished(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let kept = try await driver.enqueue(request()).job
            let delivered = try await driver.enqueue(request(runAt: clock.now() + 1)).job
            let entries = try await hold(outbox, owner: "relay-a")
            #expect(entries.map(\.jobID) == [kept.id, delivered.id])

            #expect(
                try await outbox.markPublished(entries, owner: "relay-b", reclaimAfter: .seconds(60)).isEmpty)
            // The message reached a broker worker before the relay marked it.
            _ = try #require(
                try await driver.claimJob(
                    id: delivered.id, attempt: 0, owner: "broker", leaseDuration: .seconds(30)))
            let marked = try await outbox.markPublished(entries, owner: "relay-a", reclaimAfter: .seconds(60))
            #expect(marked == [kept.id])
            #expect(try await driver.job(id: kept.id)?.runAt == clock.now() + 60)
            #expect(try await driver.job(id: kept.id)?.state == .available)
            #expect(try await driver.job(id: delivered.id)?.state == .running)
            #expect(
                try await outbox.markPublished(entries, owner: "relay-a", reclaimAfter: .seconds(60)).isEmpty)
            #expect(try await hold(outbox, owner: "relay-b").isEmpty)
            #expect(try await outbox.unpublishedCounts(queues: [Self.queue]) == [Self.queue: 0])
        }
    }

    @Test(
        "a published job's run-at moves back by the reclaim window, and local claims wait for it",
        arguments: ConformanceBackends.withInjectedClock)
    func reclaimWindow(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let due = try await driver.enqueue(request()).job
            let future = try await driver.enqueue(request(runAt: clock.now() + 100)).job
            let entries = try await hold(outbox, owner: "relay")
            #expect(
                try await outbox.markPublished(entries, owner: "relay", reclaimAfter: .seconds(60))
                    == [due.id, future.id])
            #expect(try await driver.job(id: due.id)?.runAt == clock.now() + 60)
            #expect(try await driver.job(id: future.id)?.runAt == clock.now() + 160)
            clock.advance(seconds: 59)
            #expect(try await claimAll(driver).isEmpty)
            clock.advance(seconds: 1)
            #expect(try await claimAll(driver) == [due.id])
            clock.advance(seconds: 100)
            #expect(try await claimAll(driver) == [future.id])
        }
    }

    @Test(
        "a failed attempt is unpublished again, at its new attempt and retry time",
        arguments: ConformanceBackends.withInjectedClock)
    func failedAttemptIsUnpublished(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let id = try await driver.enqueue(request()).job.id
            _ = try await outbox.markPublished(
                try await hold(outbox, owner: "relay"), owner: "relay", reclaimAfter: .seconds(60))
            let running = try #require(
                try await driver.claimJob(id: id, attempt: 0, owner: "broker", leaseDuration: .seconds(30)))
            #expect(try await outbox.unpublishedCounts(queues: [Self.queue]) == [Self.queue: 0])
            let failure = JobAttemptError(attempt: 1, failedAt: clock.now(), message: "boom")
            _ = try await driver.fail(try #require(running.lease), error: failure, retryAt: clock.now() + 8)
            #expect(try await outbox.unpublishedCounts(queues: [Self.queue]) == [Self.queue: 1])
            let entry = try #require(try await hold(outbox, owner: "relay").first)
            #expect(entry.jobID == id)
            #expect(entry.attempt == 1)
            #expect(entry.runAt == clock.now() + 8)
        }
    }

    @Test("released jobs can be held again at once, by their holder only", arguments: ConformanceBackends.all)
    func release(backend: any JobDriverConformanceBackend) async throws {
        try await backend.withDriver(clock: TestClock()) { driver in
            let outbox = try outbox(of: driver)
            _ = try await driver.enqueue([request(), request()])
            let entries = try await hold(outbox, owner: "relay-a")
            #expect(entries.count == 2)
            try await outbox.releaseHeld(entries, owner: "relay-b")
            #expect(try await hold(outbox, owner: "relay-b").isEmpty)
            try await outbox.releaseHeld(entries, owner: "relay-a")
            #expect(Set(try await hold(outbox, owner: "relay-b").map(\.jobID)) == Set(entries.map(\.jobID)))
            #expect(try await outbox.unpublishedCounts(queues: [Self.queue]) == [Self.queue: 2])
        }
    }

    @Test(
        "unpublished counts cover available and scheduled jobs at an unpublished attempt, per queue",
        arguments: ConformanceBackends.all)
    func unpublishedCounts(backend: any JobDriverConformanceBackend) async throws {
        try await backend.withDriver(clock: TestClock()) { driver in
            let outbox = try outbox(of: driver)
            _ = try await driver.enqueue([request(), request(runAt: Date() + 3600), request()])
            _ = try await driver.enqueue(request(queue: "report-jobs"))
            _ = try await driver.claimNextJobs(
                queue: Self.queue, limit: 1, owner: "local", leaseDuration: .seconds(30))
            let held = try await outbox.holdUnpublished(
                queue: "report-jobs", limit: 1, owner: "relay", hold: .seconds(30))
            #expect(
                try await outbox.unpublishedCounts(queues: [Self.queue, "report-jobs", "empty"])
                    == [Self.queue: 2, "report-jobs": 1, "empty": 0])
            _ = try await outbox.markPublished(held, owner: "relay", reclaimAfter: .seconds(60))
            #expect(try await outbox.unpublishedCounts(queues: ["report-jobs"]) == ["report-jobs": 0])
        }
    }

    @Test(
        "a local claim takes jobs overdue by the given time, and expired leases whatever it is",
        arguments: ConformanceBackends.withInjectedClock)
    func claimOverdue(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let crashed = try await driver.enqueue(request()).job
            _ = try #require(
                try await driver.claimNextJobs(
                    queue: Self.queue, limit: 1, owner: "crashed", leaseDuration: .seconds(2)
                ).first)
            let waiting = try await driver.enqueue(request()).job
            #expect(try await claimAll(driver, overdueBy: .seconds(5)).isEmpty)
            clock.advance(seconds: 2)
            #expect(try await claimAll(driver, overdueBy: .seconds(5)) == [crashed.id])
            clock.advance(seconds: 2)
            #expect(try await claimAll(driver, overdueBy: .seconds(5)).isEmpty)
            clock.advance(seconds: 1)
            #expect(try await claimAll(driver, overdueBy: .seconds(5)) == [waiting.id])
        }
    }

    @Test(
        "a local claim leaves held jobs until the hold runs out",
        arguments: ConformanceBackends.withInjectedClock)
    func claimSkipsHeldJobs(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let held = try await driver.enqueue(request()).job
            _ = try await hold(outbox, owner: "relay")
            let free = try await driver.enqueue(request()).job
            #expect(try await claimAll(driver) == [free.id])
            clock.advance(seconds: 30)
            let claimed = try await driver.claimNextJobs(
                queue: Self.queue, limit: 10, owner: "local", leaseDuration: .seconds(30))
            #expect(claimed.map(\.id) == [held.id])
        }
    }

    @Test(
        "a claim by id ends a relay's hold, so that the next attempt is published at once",
        arguments: ConformanceBackends.withInjectedClock)
    func claimEndsHold(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let id = try await driver.enqueue(request()).job.id
            _ = try await hold(outbox, owner: "relay-a")
            // The message reached a broker worker before the relay marked it, and the attempt failed.
            let running = try #require(
                try await driver.claimJob(id: id, attempt: 0, owner: "broker", leaseDuration: .seconds(30)))
            let failure = JobAttemptError(attempt: 1, failedAt: clock.now(), message: "boom")
            _ = try await driver.fail(try #require(running.lease), error: failure, retryAt: clock.now() + 2)
            #expect(try await hold(outbox, owner: "relay-b").map(\.attempt) == [1])
        }
    }

    @Test(
        "a delivery redelivered after its worker crashed claims the job it started, once",
        arguments: ConformanceBackends.withInjectedClock)
    func crashRedelivery(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            func claim(_ id: String, attempt: Int) async throws -> Job? {
                try await driver.claimJob(
                    id: id, attempt: attempt, owner: "broker", leaseDuration: .seconds(10))
            }
            let id = try await driver.enqueue(request()).job.id
            let crashed = try #require(try await claim(id, attempt: 0))
            #expect(crashed.attempt == 1)
            #expect(try await claim(id, attempt: 0) == nil)
            clock.advance(seconds: 10)
            let again = try #require(try await claim(id, attempt: 0))
            #expect(again.attempt == 2)
            #expect(again.errors.map(\.message) == [JobLeaseExpiry.message])
            clock.advance(seconds: 10)
            #expect(try await claim(id, attempt: 0) == nil)
            #expect(try await driver.job(id: id)?.attempt == 2)
            let third = try #require(try await claim(id, attempt: 1))
            #expect(third.attempt == 3)
        }
    }

    @Test(
        "a crashed last attempt redelivered makes the job dead",
        arguments: ConformanceBackends.withInjectedClock)
    func crashRedeliveryOnLastAttempt(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let id = try await driver.enqueue(
                JobRequest(queue: Self.queue, kind: "score", payload: Data(), dedupeKey: nil, maxAttempts: 1)
            ).job.id
            _ = try #require(
                try await driver.claimJob(id: id, attempt: 0, owner: "crashed", leaseDuration: .seconds(10)))
            clock.advance(seconds: 10)
            #expect(
                try await driver.claimJob(id: id, attempt: 0, owner: "broker", leaseDuration: .seconds(10))
                    == nil)
            let dead = try #require(try await driver.job(id: id))
            #expect(dead.state == .dead)
            #expect(dead.errors.map(\.message) == [JobLeaseExpiry.message])
        }
    }

    @Test("a dead job retried by an admin is unpublished again", arguments: ConformanceBackends.all)
    func retriedDeadJobIsUnpublished(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let outbox = try outbox(of: driver)
            let id = try await driver.enqueue(
                JobRequest(queue: Self.queue, kind: "score", payload: Data(), dedupeKey: nil, maxAttempts: 1)
            ).job.id
            _ = try await outbox.markPublished(
                try await hold(outbox, owner: "relay"), owner: "relay", reclaimAfter: .seconds(60))
            let job = try #require(
                try await driver.claimJob(id: id, attempt: 0, owner: "broker", leaseDuration: .seconds(30)))
            let failure = JobAttemptError(attempt: 1, failedAt: clock.now(), message: "boom")
            #expect(try await driver.fail(try #require(job.lease), error: failure, retryAt: nil) == .dead)
            _ = try #require(try await driver.retryDeadJob(id: id))
            #expect(try await hold(outbox, owner: "relay").map(\.jobID) == [id])
        }
    }
}
