import AssayTestSupport
import Foundation
import JobQueue
import Logging
import Testing

/// A worker fed by an attempt source other than database claims, as a broker's would be.
@Suite("Job worker: attempt sources", .timeLimit(.minutes(5)))
struct JobWorkerAttemptSourceTests {
    func enqueue(_ driver: MemoryJobDriver, kind: String, maxAttempts: Int = 4) async throws -> String {
        try await driver.enqueue(
            JobRequest(queue: "jobs", kind: kind, payload: Data(), maxAttempts: maxAttempts)
        )
        .job.id
    }

    @Test("jobs delivered by id run, and each delivery is settled after the database holds its result")
    func deliveredByID() async throws {
        let driver = MemoryJobDriver()
        let source = ScriptedAttemptSource(driver: driver)
        let succeeds = ClosureHandler(kind: "ok") { _ in }
        let fails = ClosureHandler(kind: "broken") { _ in throw JobHandlerError.permanent("no") }
        let ok = try await enqueue(driver, kind: "ok")
        let broken = try await enqueue(driver, kind: "broken")
        let undelivered = try await enqueue(driver, kind: "ok")
        let okDelivery = source.deliver(jobID: ok)
        let brokenDelivery = source.deliver(jobID: broken)
        let ghost = source.deliver(jobID: "no-such-job")
        try await withWorker(
            driver: driver, source: source, handlers: [succeeds, fails], options: fastOptions()
        ) {
            let done = try await eventually { source.settled.count == 3 }
            #expect(done)
        }
        let settled = Dictionary(uniqueKeysWithValues: source.settled.map { ($0.delivery, $0) })
        #expect(settled[okDelivery]?.settlement == .completed)
        #expect(settled[okDelivery]?.stateThen == .completed)
        #expect(settled[brokenDelivery]?.settlement == .failed(.dead))
        #expect(settled[brokenDelivery]?.stateThen == .dead)
        #expect(settled[ghost]?.settlement == .skipped)
        #expect(try await driver.job(id: undelivered)?.state == .available)
    }

    @Test(
        "a handler that completed its job with its result is settled as completed, not completed again, even once a renewal found its lease gone"
    )
    func completedWithResult() async throws {
        let driver = MemoryJobDriver()
        let source = ScriptedAttemptSource(driver: driver)
        let id = try await enqueue(driver, kind: "self-completing")
        let delivery = source.deliver(jobID: id)
        // After completing its job the handler stays until a renewal has met the completed job
        // (and cancelled the attempt as one whose lease was lost), or a second has passed.
        let handler = SelfCompletingHandler(kind: "self-completing", driver: driver, staysFor: .seconds(1))
        var options = fastOptions()
        options.leaseDuration = .milliseconds(300)
        try await withWorker(driver: driver, source: source, handlers: [handler], options: options) {
            let done = try await eventually { source.settled.count == 1 }
            #expect(done)
        }
        // A worker that completed the job again, or took the renewal's word, would say `.skipped`.
        #expect(source.settled.first?.delivery == delivery)
        #expect(source.settled.first?.settlement == .completed)
        #expect(source.settled.first?.stateThen == .completed)
        #expect(try await driver.job(id: id)?.state == .completed)
    }

    @Test("a running delivery's lock is renewed beside its lease")
    func renewsDeliveries() async throws {
        let driver = MemoryJobDriver()
        let source = ScriptedAttemptSource(driver: driver)
        let id = try await enqueue(driver, kind: "slow")
        let delivery = source.deliver(jobID: id)
        let handler = ClosureHandler(kind: "slow") { _ in
            while !source.renewed.contains(delivery) { try await Task.sleep(for: .milliseconds(10)) }
        }
        var options = fastOptions()
        options.leaseDuration = .milliseconds(300)
        try await withWorker(driver: driver, source: source, handlers: [handler], options: options) {
            let done = try await eventually { source.settled.count == 1 }
            #expect(done)
        }
        #expect(source.settled.map(\.settlement) == [.completed])
        #expect(try await driver.job(id: id)?.attempt == 1)
    }

    @Test(
        "an attempt stopped at its timeout records its failure and settles its delivery from a task not cancelled"
    )
    func timedOutAttemptSettlesUncancelled() async throws {
        let driver = MemoryJobDriver()
        let source = ScriptedAttemptSource(driver: driver)
        let handler = ClosureHandler(kind: "slow", timeout: .milliseconds(100)) { _ in
            try await Task.sleep(for: .seconds(600))
        }
        let id = try await enqueue(driver, kind: "slow")
        source.deliver(jobID: id)
        try await withWorker(driver: driver, source: source, handlers: [handler], options: fastOptions()) {
            let done = try await eventually { source.settled.count == 1 }
            #expect(done)
        }
        // The handler's task was cancelled at the timeout; the failure and the settlement were not.
        #expect(source.settled.map(\.fromCancelledTask) == [false])
        #expect(source.settled.map(\.settlement) == [.failed(.scheduled)])
        #expect(try await driver.job(id: id)?.errors.map(\.message) == ["timed out after 0.1s"])
    }

    @Test("a delivery cut short by shutdown is settled as released, its attempt not spent")
    func releasedAtShutdown() async throws {
        let driver = MemoryJobDriver()
        let source = ScriptedAttemptSource(driver: driver)
        let started = TestFlag()
        let handler = ClosureHandler(kind: "endless") { _ in
            started.raise()
            try await Task.sleep(for: .seconds(600))
        }
        let id = try await enqueue(driver, kind: "endless")
        source.deliver(jobID: id)
        try await withWorker(
            driver: driver, source: source, handlers: [handler],
            options: fastOptions(gracePeriod: .milliseconds(50))
        ) {
            let done = try await eventually { started.isRaised }
            #expect(done)
        }
        #expect(source.settled.map(\.settlement) == [.released])
        #expect(source.settled.map(\.stateThen) == [.available])
        #expect(try await driver.job(id: id)?.attempt == 0)
    }
}

/// A handler whose result write completes its own job, as the pipeline's handlers do in the
/// transaction that stores their result.
private struct SelfCompletingHandler: JobHandler {
    let kind: String
    let driver: any JobQueueDriver
    /// How long the handler stays after completing its job, unless cancelled first.
    let staysFor: Duration

    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome {
        try await driver.complete(try #require(job.lease))
        try? await Task.sleep(for: staysFor)
        return .completedWithResult
    }
}
