import AssayTestSupport
import Foundation
import JobQueue
import Synchronization
import Testing

/// The promises every job driver keeps, checked on each backend with the same code.
@Suite("Job driver conformance", .timeLimit(.minutes(5)))
struct JobDriverConformanceTests {
    static let queue = "scoring-jobs"

    func request(_ key: String? = nil, queue: String = queue, runAt: Date? = nil, maxAttempts: Int = 4)
        -> JobRequest
    {
        JobRequest(
            queue: queue, kind: "score", payload: Data(#"{"n":1}"#.utf8), dedupeKey: key,
            maxAttempts: maxAttempts,
            runAt: runAt)
    }

    func claimOne(_ driver: any JobQueueDriver, owner: String = "w1", lease: Duration = .seconds(30))
        async throws
        -> Job?
    {
        try await driver.claimNextJobs(queue: Self.queue, limit: 1, owner: owner, leaseDuration: lease).first
    }

    @Test(
        "a claimed job is running under a lease and its attempt has started",
        arguments: ConformanceBackends.all)
    func claimStartsAnAttempt(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let enqueued = try await driver.enqueue(request())
            #expect(enqueued.inserted)
            #expect(enqueued.job.state == .available)
            let job = try #require(try await claimOne(driver))
            #expect(job.id == enqueued.job.id)
            #expect(job.state == .running)
            #expect(job.attempt == 1)
            #expect(job.leaseOwner == "w1")
            #expect(job.leaseExpiresAt == backend.leaseExpiry(of: job, seconds: 30, clock: clock))
            #expect(job.payload == Data(#"{"n":1}"#.utf8))
            #expect(try await claimOne(driver, owner: "w2") == nil)
            try await driver.complete(try #require(job.lease))
            #expect(try await driver.job(id: job.id)?.state == .completed)
        }
    }

    @Test(
        "a job that ran inline is counted among its queue's completions and not stored, unless a stored job holds its key",
        arguments: ConformanceBackends.withInjectedClock)
    func ranInline(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            var inline = request("submission-1")
            inline.ranInline = true
            let enqueued = try await driver.enqueue(inline)
            #expect(enqueued.inserted)
            #expect(enqueued.job.state == .completed)
            #expect(enqueued.job.attempt == 1)
            #expect(enqueued.job.completedAt == clock.now())
            #expect([enqueued].queuesWithNewWork.isEmpty)
            #expect(try await driver.job(id: inline.id) == nil)
            #expect(try await claimOne(driver) == nil)
            let statistics = try #require(try await driver.statistics(queues: [Self.queue])[Self.queue])
            #expect(statistics.completedLastHour == 1)
            #expect(statistics.available == 0)
            #expect(statistics.running == 0)
            // A job stored with the same key stands for it: an inline one is then neither stored
            // nor counted, and the stored one is returned.
            let waiting = try await driver.enqueue(request("submission-2"))
            var again = request("submission-2")
            again.ranInline = true
            let second = try await driver.enqueue([again, request("submission-3")])
            #expect(second.map(\.inserted) == [false, true])
            #expect(second[0].job.id == waiting.job.id)
            #expect(second[0].job.state == .available)
            #expect(try await driver.statistics(queues: [Self.queue])[Self.queue]?.completedLastHour == 1)
            #expect(try await driver.statistics(queues: [Self.queue])[Self.queue]?.available == 2)
        }
    }

    @Test(
        "a job stored leased to its enqueuer's worker is running at attempt 1, claimed by nobody while the lease lasts, and again once it lapses",
        arguments: ConformanceBackends.withInjectedClock)
    func leasedAtInsert(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            var leased = request("submission-1")
            leased.leasedTo = JobRequest.Lease(owner: "local", duration: .seconds(10))
            let enqueued = try await driver.enqueue(leased)
            #expect(enqueued.inserted)
            #expect(!enqueued.job.awaitsClaim)
            #expect([enqueued].queuesWithNewWork.isEmpty)
            let lease = try #require(enqueued.job.lease)
            #expect(lease == JobLease(jobID: leased.id, attempt: 1, owner: "local"))
            let stored = try #require(try await driver.job(id: leased.id))
            #expect(stored.state == .running)
            #expect(stored.attempt == 1)
            #expect(stored.leaseOwner == "local")
            #expect(stored.leaseExpiresAt == clock.now() + 10)
            #expect(try await driver.statistics(queues: [Self.queue])[Self.queue]?.running == 1)
            #expect(try await claimOne(driver, owner: "w2") == nil)
            // Renewed and completed under the lease it was stored with, as a claimed job is.
            #expect(try await driver.renewLeases([lease], for: .seconds(10)) == [leased.id])
            clock.advance(seconds: 9)
            #expect(try await claimOne(driver, owner: "w2") == nil)
            // Once the lease lapses (its process died), another worker claims its next attempt.
            clock.advance(seconds: 1)
            let reclaimed = try #require(try await claimOne(driver, owner: "w2"))
            #expect(reclaimed.id == leased.id)
            #expect(reclaimed.attempt == 2)
            await #expect(throws: JobQueueError.leaseLost(lease)) { try await driver.complete(lease) }
            try await driver.complete(try #require(reclaimed.lease))
            #expect(try await driver.job(id: leased.id)?.state == .completed)
        }
    }

    @Test(
        "a second enqueue with the same dedupe key returns the first job",
        arguments: ConformanceBackends.all)
    func dedupe(backend: any JobDriverConformanceBackend) async throws {
        try await backend.withDriver(clock: TestClock()) { driver in
            let first = try await driver.enqueue(request("submission-1"))
            let second = try await driver.enqueue(request("submission-1"))
            #expect(first.inserted)
            #expect(!second.inserted)
            #expect(second.job.id == first.job.id)
            let otherQueue = try await driver.enqueue(request("submission-1", queue: "report-jobs"))
            #expect(otherQueue.inserted)
            let stats = try await driver.statistics(queues: [Self.queue, "report-jobs"])
            #expect(stats[Self.queue]?.available == 1)
            #expect(stats["report-jobs"]?.available == 1)
        }
    }

    @Test("many concurrent claimers never get the same job", arguments: ConformanceBackends.all)
    func exclusiveClaims(backend: any JobDriverConformanceBackend) async throws {
        try await backend.withDriver(clock: TestClock()) { driver in
            for index in 0..<200 { _ = try await driver.enqueue(request("job-\(index)")) }
            let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        var mine: [String] = []
                        while true {
                            let jobs = try await driver.claimNextJobs(
                                queue: Self.queue, limit: 5, owner: "w\(worker)", leaseDuration: .seconds(30))
                            if jobs.isEmpty { return mine }
                            mine += jobs.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0 += $1 }
            }
            #expect(claimed.count == 200)
            #expect(Set(claimed).count == 200)
        }
    }

    @Test("a job runs no earlier than its run-at time", arguments: ConformanceBackends.withInjectedClock)
    func scheduled(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let enqueued = try await driver.enqueue(request(runAt: clock.now() + 60))
            #expect(enqueued.job.state == .scheduled)
            #expect(try await claimOne(driver) == nil)
            #expect(try await driver.statistics(queues: [Self.queue])[Self.queue]?.scheduled == 1)
            clock.advance(seconds: 60)
            #expect(try await driver.statistics(queues: [Self.queue])[Self.queue]?.available == 1)
            #expect(try await claimOne(driver)?.id == enqueued.job.id)
        }
    }

    @Test(
        "a failed attempt waits for its retry time and is kept in the history",
        arguments: ConformanceBackends.withInjectedClock)
    func retryAfterFailure(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            _ = try await driver.enqueue(request())
            let first = try #require(try await claimOne(driver))
            let failure = JobAttemptError(attempt: 1, failedAt: clock.now(), message: "scorer timed out")
            let state = try await driver.fail(
                try #require(first.lease), error: failure, retryAt: clock.now() + 8)
            #expect(state == .scheduled)
            #expect(try await claimOne(driver) == nil)
            clock.advance(seconds: 7.9)
            #expect(try await claimOne(driver) == nil)
            clock.advance(seconds: 0.1)
            let second = try #require(try await claimOne(driver))
            #expect(second.attempt == 2)
            #expect(second.errors.map(\.message) == ["scorer timed out"])
            #expect(second.errors.first?.attempt == 1)
        }
    }

    @Test(
        "after the last attempt the job is dead with its whole history",
        arguments: ConformanceBackends.withInjectedClock)
    func deadAfterLastAttempt(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let id = try await driver.enqueue(request(maxAttempts: 3)).job.id
            var states: [JobState] = []
            for attempt in 1...3 {
                let job = try #require(try await claimOne(driver))
                #expect(job.attempt == attempt)
                let failure = JobAttemptError(
                    attempt: attempt, failedAt: clock.now(), message: "failure \(attempt)")
                states.append(
                    try await driver.fail(try #require(job.lease), error: failure, retryAt: clock.now() + 1))
                clock.advance(seconds: 1)
            }
            #expect(states == [.scheduled, .scheduled, .dead])
            let dead = try #require(try await driver.job(id: id))
            #expect(dead.state == .dead)
            #expect(dead.errors.map(\.message) == ["failure 1", "failure 2", "failure 3"])
            #expect(try await claimOne(driver) == nil)
            #expect(try await driver.statistics(queues: [Self.queue])[Self.queue]?.dead == 1)
        }
    }

    @Test("a failure without a retry time is dead at once", arguments: ConformanceBackends.all)
    func permanentFailure(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            _ = try await driver.enqueue(request())
            let job = try #require(try await claimOne(driver))
            let failure = JobAttemptError(
                attempt: 1, failedAt: clock.now(), message: "payload does not decode")
            #expect(try await driver.fail(try #require(job.lease), error: failure, retryAt: nil) == .dead)
        }
    }

    @Test(
        "an expired lease is handed out again and the old holder is fenced off",
        arguments: ConformanceBackends.withInjectedClock)
    func leaseExpiry(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            _ = try await driver.enqueue(request())
            let first = try #require(try await claimOne(driver, owner: "crashed", lease: .seconds(10)))
            clock.advance(seconds: 9)
            #expect(try await claimOne(driver, owner: "w2") == nil)
            clock.advance(seconds: 1)
            let second = try #require(try await claimOne(driver, owner: "w2"))
            #expect(second.id == first.id)
            #expect(second.attempt == 2)
            #expect(second.errors.map(\.message) == [JobLeaseExpiry.message])
            let oldLease = try #require(first.lease)
            await #expect(throws: JobQueueError.leaseLost(oldLease)) { try await driver.complete(oldLease) }
            let failure = JobAttemptError(attempt: 1, failedAt: clock.now(), message: "late")
            await #expect(throws: JobQueueError.leaseLost(oldLease)) {
                _ = try await driver.fail(oldLease, error: failure, retryAt: nil)
            }
            #expect(try await driver.renewLeases([oldLease], for: .seconds(10)).isEmpty)
            try await driver.complete(try #require(second.lease))
            #expect(try await driver.job(id: first.id)?.state == .completed)
        }
    }

    @Test(
        "renewing a lease keeps the job from being handed out",
        arguments: ConformanceBackends.withInjectedClock)
    func renewal(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            _ = try await driver.enqueue(request())
            let job = try #require(try await claimOne(driver, lease: .seconds(10)))
            clock.advance(seconds: 8)
            #expect(try await driver.renewLeases([try #require(job.lease)], for: .seconds(10)) == [job.id])
            clock.advance(seconds: 8)
            #expect(try await claimOne(driver, owner: "w2") == nil)
            #expect(try await driver.statistics(queues: [Self.queue])[Self.queue]?.running == 1)
        }
    }

    @Test(
        "one renewal extends every lease still held and leaves out the lost",
        arguments: ConformanceBackends.withInjectedClock)
    func renewalOfMany(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            for index in 0..<3 { _ = try await driver.enqueue(request("r\(index)")) }
            let jobs = try await driver.claimNextJobs(
                queue: Self.queue, limit: 3, owner: "w", leaseDuration: .seconds(10))
            try #require(jobs.count == 3)
            let leases = try jobs.map { try #require($0.lease) }
            try await driver.complete(leases[2])
            var stale = leases[1]
            stale.attempt += 1
            clock.advance(seconds: 8)
            let renewed = try await driver.renewLeases([leases[0], stale, leases[2]], for: .seconds(10))
            #expect(renewed == [jobs[0].id])
            #expect(try await driver.renewLeases([], for: .seconds(10)).isEmpty)
            clock.advance(seconds: 8)
            let reclaimed = try await driver.claimNextJobs(
                queue: Self.queue, limit: 3, owner: "w2", leaseDuration: .seconds(10))
            #expect(reclaimed.map(\.id) == [jobs[1].id], "only the job whose lease was not renewed")
        }
    }

    @Test(
        "an expired lease on the last attempt makes the job dead",
        arguments: ConformanceBackends.withInjectedClock)
    func leaseExpiryOnLastAttempt(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let id = try await driver.enqueue(request(maxAttempts: 1)).job.id
            _ = try #require(try await claimOne(driver, lease: .seconds(5)))
            clock.advance(seconds: 5)
            #expect(try await claimOne(driver, owner: "w2") == nil)
            let job = try #require(try await driver.job(id: id))
            #expect(job.state == .dead)
            #expect(job.errors.map(\.message) == [JobLeaseExpiry.message])
        }
    }

    @Test(
        "a released job is claimable again without spending an attempt", arguments: ConformanceBackends.all)
    func release(backend: any JobDriverConformanceBackend) async throws {
        try await backend.withDriver(clock: TestClock()) { driver in
            _ = try await driver.enqueue(request())
            let job = try #require(try await claimOne(driver))
            try await driver.release(try #require(job.lease))
            let again = try #require(try await claimOne(driver, owner: "w2"))
            #expect(again.attempt == 1)
            #expect(again.errors.isEmpty)
            await #expect(throws: JobQueueError.self) { try await driver.release(try #require(job.lease)) }
        }
    }

    @Test("claims take the oldest due job first", arguments: ConformanceBackends.withInjectedClock)
    func claimOrder(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            let late = try await driver.enqueue(request("late", runAt: clock.now() + 2)).job.id
            let early = try await driver.enqueue(request("early", runAt: clock.now() + 1)).job.id
            clock.advance(seconds: 3)
            let jobs = try await driver.claimNextJobs(
                queue: Self.queue, limit: 10, owner: "w", leaseDuration: .seconds(30))
            #expect(jobs.map(\.id) == [early, late])
        }
    }

    @Test("enqueue wakes the workers subscribed to the queue", arguments: ConformanceBackends.all)
    func notification(backend: any JobDriverConformanceBackend) async throws {
        try await backend.withDriver(clock: TestClock()) { driver in
            let signal = WakeSignal()
            driver.notifier.subscribe(signal, to: Self.queue)
            _ = try await driver.enqueue(request())
            let started = ContinuousClock.now
            // Woken, not timed out: half the timeout leaves room for a loaded machine (a full
            // parallel run on two cores once took 5.3 s to resume a wake that was already pending).
            await signal.wait(timeout: .seconds(60))
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }

    @Test("statistics count every state", arguments: ConformanceBackends.withInjectedClock)
    func statistics(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            for index in 0..<5 { _ = try await driver.enqueue(request("a\(index)")) }
            _ = try await driver.enqueue(request("later", runAt: clock.now() + 100))
            let jobs = try await driver.claimNextJobs(
                queue: Self.queue, limit: 3, owner: "w", leaseDuration: .seconds(30))
            try await driver.complete(try #require(jobs[0].lease))
            let failure = JobAttemptError(attempt: 1, failedAt: clock.now(), message: "x")
            _ = try await driver.fail(try #require(jobs[1].lease), error: failure, retryAt: nil)
            clock.advance(seconds: 10)
            let stats = try #require(
                try await driver.statistics(queues: [Self.queue, "report-jobs"])[Self.queue])
            #expect(stats.available == 2)
            #expect(stats.scheduled == 1)
            #expect(stats.running == 1)
            #expect(stats.dead == 1)
            #expect(stats.completedLastHour == 1)
            #expect(stats.oldestAvailableAgeSeconds >= 10)
            let empty = try await driver.statistics(queues: [Self.queue, "report-jobs"])["report-jobs"]
            #expect(empty == QueueStatistics())
        }
    }

    @Test(
        "completions are counted per queue for an hour, then no more, however they were batched",
        arguments: ConformanceBackends.withInjectedClock)
    func completionsLastAnHour(backend: any JobDriverConformanceBackend) async throws {
        let clock = TestClock()
        try await backend.withDriver(clock: clock) { driver in
            for index in 0..<6 { _ = try await driver.enqueue(request("c\(index)")) }
            _ = try await driver.enqueue(
                JobRequest(queue: "report-jobs", kind: "k", payload: Data("{}".utf8)))
            let jobs = try await driver.claimNextJobs(
                queue: Self.queue, limit: 6, owner: "w", leaseDuration: .seconds(30))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for job in jobs.prefix(4) {
                    let lease = try #require(job.lease)
                    group.addTask { try await driver.complete(lease) }
                }
                try await group.waitForAll()
            }
            // A completion that is refused (its lease is gone) is not counted.
            await #expect(throws: JobQueueError.self) {
                try await driver.complete(try #require(jobs[0].lease))
            }
            clock.advance(seconds: 1800)
            try await driver.complete(try #require(jobs[4].lease))
            let report = try await driver.claimNextJobs(
                queue: "report-jobs", limit: 1, owner: "w", leaseDuration: .seconds(30))
            try await driver.complete(try #require(report.first?.lease))
            var stats = try await driver.statistics(queues: [Self.queue, "report-jobs"])
            #expect(stats[Self.queue]?.completedLastHour == 5)
            #expect(stats["report-jobs"]?.completedLastHour == 1)
            clock.advance(seconds: 1900)
            stats = try await driver.statistics(queues: [Self.queue, "report-jobs"])
            #expect(stats[Self.queue]?.completedLastHour == 1, "the four completed 62 minutes ago are out")
            clock.advance(seconds: 3700)
            stats = try await driver.statistics(queues: [Self.queue, "report-jobs"])
            #expect(stats[Self.queue]?.completedLastHour == 0)
            #expect(stats["report-jobs"]?.completedLastHour == 0)
        }
    }
}
