import ArgumentParser
import AssayServer
import AssayStore
import Foundation
import JobQueue
import Logging
import ServiceLifecycle
import Subprocess
import SystemPackage
import UnixSignals

/// The queue alone, with no-op jobs: enqueue one at a time and in batches, drain with one worker
/// process and with several.
struct QueueBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "No-op jobs on a database: enqueue and drain rates. Use a throwaway database: it is filled."
    )

    @Option(help: "The database, as DATABASE_URL (sqlite://PATH or postgres://…).") var database: String
    @Option(help: "Jobs enqueued one at a time.") var single = 2_000
    @Option(help: "Jobs enqueued in batches, then drained.") var jobs = 100_000
    @Option(help: "Jobs per batch.") var batch = 1_000
    @Option(help: "Jobs a worker process runs at once.") var concurrency = 256
    @Option(help: "Worker processes for the second drain.") var processes = 2

    func validate() throws {
        for (name, value, range) in [
            ("--single", single, 1...1_000_000), ("--jobs", jobs, 1...10_000_000),
            ("--batch", batch, 1...10_000),
            ("--concurrency", concurrency, 1...4_096), ("--processes", processes, 1...64),
        ] where !range.contains(value) {
            throw ValidationError("\(name) must be from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    func run() async throws {
        let store = try await BenchStore.open(database)
        let driver = store.jobs
        try await store.whileRunning {
            let queue = "bench-\(UUID().uuidString.prefix(8).lowercased())"
            func requests(_ count: Int) -> [JobRequest] {
                (0..<count).map { _ in
                    JobRequest(queue: queue, kind: BenchStore.noOpKind, payload: Data("{}".utf8))
                }
            }

            var started = ContinuousClock.now
            for request in requests(single) { _ = try await driver.enqueue(request) }
            report("enqueue one at a time", count: single, since: started)

            started = ContinuousClock.now
            for chunk in requests(jobs).chunks(of: batch) { _ = try await driver.enqueue(Array(chunk)) }
            report("enqueue in batches of \(batch)", count: jobs, since: started)

            started = ContinuousClock.now
            let worker = BenchStore.worker(driver: driver, queue: queue, concurrency: concurrency)
            let group = ServiceGroup(services: [worker], logger: BenchStore.logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await waitForCompleted(single + jobs, queue: queue, driver: driver)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            report(
                "drain, 1 worker process (concurrency \(concurrency))", count: single + jobs, since: started)

            for chunk in requests(jobs).chunks(of: batch) { _ = try await driver.enqueue(Array(chunk)) }
            started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { children in
                for _ in 0..<processes { children.addTask { try await runWorker(queue: queue) } }
                try await waitForCompleted(single + 2 * jobs, queue: queue, driver: driver)
                children.cancelAll()
            }
            report(
                "drain, \(processes) worker processes (concurrency \(concurrency) each)", count: jobs,
                since: started)
        }
    }

    /// Runs `assay-bench queue-worker` on `queue` until this task is cancelled, then stops it with
    /// SIGTERM (SIGKILL if it has not exited 5 s later). Run by swift-subprocess, not Foundation's
    /// `Process`, whose `run()` now and then crashes on Swift 6.3.1 (swift-corelibs-foundation #5472).
    private func runWorker(queue: String) async throws {
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(5))]
        _ = try await Subprocess.run(
            .path(FilePath(CommandLine.arguments[0])),
            arguments: [
                "queue-worker", "--database", database, "--queue", queue, "--concurrency", "\(concurrency)",
            ],
            platformOptions: options, output: .discarded, error: .currentStandardError)
    }

    private func waitForCompleted(_ count: Int, queue: String, driver: any JobQueueDriver) async throws {
        while try await driver.statistics(queues: [queue])[queue]?.completedLastHour ?? 0 < count {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    private func report(_ what: String, count: Int, since started: ContinuousClock.Instant) {
        let seconds = (ContinuousClock.now - started).milliseconds / 1000
        print(
            String(
                format: "%@: %d jobs in %.2f s = %.0f jobs/s", what, count, seconds, Double(count) / seconds))
    }
}

/// `assay-bench queue-worker`: a worker process that runs no-op jobs, for the multi-process drain.
struct QueueWorker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue-worker", abstract: "Run no-op jobs of one queue until SIGTERM (used by `queue`).")

    @Option var database: String
    @Option var queue: String
    @Option var concurrency = 256

    func run() async throws {
        let store = try await BenchStore.open(database)
        let worker = BenchStore.worker(driver: store.jobs, queue: queue, concurrency: concurrency)
        var services: [any Service] = [StoreService(store: store)]
        if let store = store as? PostgresStore { services.append(store.notificationListener()) }
        services.append(worker)
        try await ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: BenchStore.logger)
        ).run()
    }
}

/// What the queue benchmark's commands share.
enum BenchStore {
    static let noOpKind = "no-op"

    static var logger: Logger {
        var logger = Logger(label: "assay-bench")
        logger.logLevel = .error
        return logger
    }

    static func open(_ url: String) async throws -> any AssayStore {
        let location = try DatabaseLocation(url: url)
        switch location {
        case .sqlite(let path): return try await SQLiteStore.open(path: path, logger: logger)
        case .postgres(let url): return try await PostgresStore.open(url: url, logger: logger)
        }
    }

    static func worker(driver: any JobQueueDriver, queue: String, concurrency: Int) -> JobWorker {
        JobWorker(
            driver: driver, handlers: [NoOpHandler()],
            options: JobWorkerOptions(
                queues: [queue], concurrency: concurrency, pollInterval: .milliseconds(100)),
            logger: logger)
    }

    struct NoOpHandler: JobHandler {
        var kind: String { BenchStore.noOpKind }
        func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome { .finished }
    }
}

extension Array {
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
