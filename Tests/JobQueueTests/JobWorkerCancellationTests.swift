import AssayTestSupport
import Foundation
import JobQueue
import Logging
import ServiceLifecycle
import Testing

/// Cancellation is shutdown too: a worker whose task is cancelled ends at once, whatever its driver does.
@Suite("Job worker cancellation", .timeLimit(.minutes(2)))
struct JobWorkerCancellationTests {
    var logger: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `service` in a service group in a task of its own; `ended` turns true when the group's run returns.
    func start(_ service: any Service) -> (task: Task<Void, Never>, ended: TestFlag) {
        let group = ServiceGroup(services: [service], logger: logger)
        let ended = TestFlag()
        let task = Task {
            try? await group.run()
            ended.raise()
        }
        return (task, ended)
    }

    @Test("a cancelled service group ends the worker even when every driver call fails, without spinning")
    func cancelledGroupWithFailingDriver() async throws {
        let driver = FailingJobDriver()
        var options = fastOptions(gracePeriod: .seconds(60))
        options.heartbeatInterval = .milliseconds(100)
        options.pruneInterval = .milliseconds(100)
        let worker = JobWorker(driver: driver, handlers: [], options: options, logger: logger)
        let (task, ended) = start(worker)
        #expect(try await eventually { driver.calls >= 3 })
        task.cancel()
        #expect(try await eventually(timeout: .seconds(5)) { ended.isRaised })
        let callsAtEnd = driver.calls
        try await Task.sleep(for: .milliseconds(300))
        #expect(driver.calls == callsAtEnd, "no loop calls the driver once the worker has ended")
        // A second of loops that wait between their tries: a few dozen calls, not the millions of a spin.
        #expect(callsAtEnd < 200)
    }

    @Test("a cancelled worker cancels and releases its running jobs without waiting for the grace period")
    func cancelledWorkerReleasesRunningJobs() async throws {
        let driver = MemoryJobDriver()
        let started = TestFlag()
        let handler = ClosureHandler(kind: "slow") { _ in
            started.raise()
            try await Task.sleep(for: .seconds(600))
        }
        let worker = JobWorker(
            driver: driver, handlers: [handler], options: fastOptions(gracePeriod: .seconds(60)),
            logger: logger)
        let id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "slow", payload: Data())).job.id
        let (task, ended) = start(worker)
        #expect(try await eventually { started.isRaised })
        task.cancel()
        #expect(try await eventually(timeout: .seconds(5)) { ended.isRaised })
        let job = try #require(try await driver.job(id: id))
        #expect(job.state == .available)
        #expect(job.attempt == 0, "a release spends no attempt")
    }
}
