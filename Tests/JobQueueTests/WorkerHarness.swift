import Foundation
import JobQueue
import Logging
import ServiceLifecycle
import Testing

/// A handler whose work is a closure, for tests.
struct ClosureHandler: JobHandler {
    let kind: String
    var timeout: Duration = .seconds(30)
    let body: @Sendable (Job) async throws -> Void

    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome {
        try await body(job)
        return .finished
    }
}

/// Runs a ``JobWorker`` (on `source`, or database claims) in a service group for the duration of
/// `body`, then shuts it down gracefully. The worker reads the time from `now`, as the driver should.
func withWorker(
    driver: any JobQueueDriver, source: (any JobAttemptSource)? = nil, handoff: JobHandoff? = nil,
    handlers: [any JobHandler], options: JobWorkerOptions, now: @escaping @Sendable () -> Date = Date.init,
    _ body: () async throws -> Void
) async throws {
    var logger = Logger(label: "test")
    logger.logLevel = .warning
    let worker = JobWorker(
        driver: driver, source: source, handoff: handoff, handlers: handlers, options: options, logger: logger,
        now: now)
    let group = ServiceGroup(services: [worker], logger: logger)
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

func fastOptions(
    queues: [String] = ["jobs"], retries: Int = 3, gracePeriod: Duration = .seconds(5)
) -> JobWorkerOptions {
    JobWorkerOptions(
        queues: queues, concurrency: 4, leaseDuration: .seconds(30), pollInterval: .milliseconds(50),
        gracePeriod: gracePeriod,
        retryPolicy: RetryPolicy(maxRetries: retries, base: .milliseconds(20), maximum: .milliseconds(100)))
}
