import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A service that claims jobs from its queues and runs them with their handlers.
///
/// Each queue has its own loop that keeps up to `concurrency` jobs running, claims as many as it
/// has free slots in one call, and sleeps until the driver's notifier or the poll interval wakes
/// it. On graceful shutdown it stops claiming, lets running jobs finish within the grace period,
/// then cancels the rest and releases their leases without spending an attempt.
public final class JobWorker: Service {
    private let driver: any JobQueueDriver
    private let handlers: [String: any JobHandler]
    private let options: JobWorkerOptions
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let stopping = Mutex(false)
    private let signals: [String: WakeSignal]
    private let heartbeatSignal = WakeSignal()
    private let pruneSignal = WakeSignal()

    public init(
        driver: any JobQueueDriver, handlers: [any JobHandler], options: JobWorkerOptions, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.driver = driver
        self.handlers = Dictionary(handlers.map { ($0.kind, $0) }, uniquingKeysWith: { _, last in last })
        self.options = options
        var logger = logger
        logger[metadataKey: "worker_id"] = .string(options.workerID)
        self.logger = logger
        self.now = now
        self.signals = Dictionary(uniqueKeysWithValues: options.queues.map { ($0, WakeSignal()) })
    }

    public func run() async throws {
        logger.info(
            "worker started",
            metadata: [
                "queues": .string(options.queues.joined(separator: ",")),
                "concurrency": .stringConvertible(options.concurrency),
            ])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for (queue, signal) in signals {
                    group.addTask { await self.runLoop(queue: queue, signal: signal) }
                }
                group.addTask { await self.heartbeatLoop() }
                group.addTask { await self.pruneLoop() }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        do {
            try await driver.removeWorker(id: options.workerID)
        } catch {
            logger.warning("could not remove the worker record", metadata: ["error": .string("\(error)")])
        }
        logger.info("worker stopped")
    }

    /// Stops claiming; running jobs get the grace period to finish.
    public func stop() {
        stopping.withLock { $0 = true }
        for signal in signals.values { signal.wake() }
        heartbeatSignal.wake()
        pruneSignal.wake()
    }

    /// Records this worker's heartbeat until it stops.
    private func heartbeatLoop() async {
        let started = now()
        let host = ProcessInfo.processInfo.hostName
        let processID = Int(ProcessInfo.processInfo.processIdentifier)
        while !isStopping {
            let heartbeat = WorkerHeartbeat(
                workerID: options.workerID, queues: options.queues, host: host, processID: processID,
                startedAt: started, lastSeenAt: now())
            do {
                try await driver.recordHeartbeat(heartbeat)
            } catch {
                logger.warning("heartbeat failed", metadata: ["error": .string("\(error)")])
            }
            await heartbeatSignal.wait(timeout: options.heartbeatInterval)
        }
    }

    /// Deletes completed jobs past their retention, a batch at a time, until it stops.
    private func pruneLoop() async {
        while !isStopping {
            var pruned = 0
            do {
                while !isStopping {
                    let batch = try await driver.pruneCompletedJobs(
                        before: now() - options.completedRetention.seconds, limit: 1000)
                    pruned += batch
                    if batch < 1000 { break }
                }
            } catch {
                logger.warning("prune failed", metadata: ["error": .string("\(error)")])
            }
            if pruned > 0 {
                logger.info("completed jobs pruned", metadata: ["count": .stringConvertible(pruned)])
            }
            await pruneSignal.wait(timeout: options.pruneInterval)
        }
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    private func runLoop(queue: String, signal: WakeSignal) async {
        driver.notifier.subscribe(signal, to: queue)
        defer { driver.notifier.unsubscribe(signal, from: queue) }
        let running = RunningJobs()
        let batch = max(1, options.concurrency / 4)
        await withDiscardingTaskGroup { group in
            // When the queue loop first saw some, but too few, slots free while jobs ran.
            var fewFreeSince: ContinuousClock.Instant?
            while !isStopping && !Task.isCancelled {
                let busy = running.count
                let free = options.concurrency - busy
                guard free > 0 else {
                    fewFreeSince = nil
                    await signal.wait(timeout: options.pollInterval)
                    continue
                }
                if free < batch && busy > 0 {
                    let since = fewFreeSince ?? .now
                    fewFreeSince = since
                    let left = options.claimWindow - (.now - since)
                    if left > .zero {
                        await signal.wait(timeout: left)
                        continue
                    }
                }
                fewFreeSince = nil
                let jobs: [Job]
                do {
                    jobs = try await driver.claimNextJobs(
                        queue: queue, limit: free, owner: options.workerID,
                        leaseDuration: options.leaseDuration)
                } catch {
                    logger.warning(
                        "claim failed", metadata: ["queue": .string(queue), "error": .string("\(error)")])
                    await signal.wait(timeout: options.pollInterval)
                    continue
                }
                guard !jobs.isEmpty else {
                    await signal.wait(timeout: options.pollInterval)
                    continue
                }
                running.add(jobs.count)
                for job in jobs {
                    group.addTask {
                        await self.process(job)
                        running.add(-1)
                        signal.wake()
                    }
                }
            }
            await drain(running: running, signal: signal)
            group.cancelAll()
        }
    }

    /// Waits until running jobs finish or the grace period ends.
    private func drain(running: RunningJobs, signal: WakeSignal) async {
        let deadline = ContinuousClock.now + options.gracePeriod
        while running.count > 0 {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return }
            await signal.wait(timeout: left)
        }
    }

    private func process(_ job: Job) async {
        var logger = self.logger
        logger[metadataKey: "job_id"] = .string(job.id)
        logger[metadataKey: "queue"] = .string(job.queue)
        logger[metadataKey: "kind"] = .string(job.kind)
        logger[metadataKey: "attempt"] = .stringConvertible(job.attempt)
        guard let lease = job.lease else { return }
        guard let handler = handlers[job.kind] else {
            await finish(
                lease, outcome: .failure(JobHandlerError.permanent("no handler for job kind '\(job.kind)'")),
                job: job, logger: logger)
            return
        }
        let started = ContinuousClock.now
        let outcome: AttemptOutcome
        do {
            try await runAttempt(job, lease: lease, handler: handler, logger: logger)
            outcome = .success
        } catch {
            outcome = Task.isCancelled && isStopping ? .cancelledAtShutdown : .failure(error)
        }
        logger[metadataKey: "duration_ms"] = .stringConvertible(
            Int((ContinuousClock.now - started).seconds * 1000))
        await finish(lease, outcome: outcome, job: job, logger: logger)
    }

    /// Runs the handler with its timeout and a heartbeat that renews the lease.
    private func runAttempt(_ job: Job, lease: JobLease, handler: any JobHandler, logger: Logger) async throws
    {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await handler.handle(job, logger: logger) }
            group.addTask {
                try await Task.sleep(for: handler.timeout)
                throw JobTimeoutError(timeout: handler.timeout)
            }
            group.addTask { try await self.heartbeat(lease) }
            try await group.next()
            group.cancelAll()
        }
    }

    private func heartbeat(_ lease: JobLease) async throws {
        while true {
            try await Task.sleep(for: options.leaseDuration / 3)
            let renewed = try await driver.renewLease(lease, for: options.leaseDuration)
            if !renewed { throw JobQueueError.leaseLost(lease) }
        }
    }

    private func finish(_ lease: JobLease, outcome: AttemptOutcome, job: Job, logger: Logger) async {
        // Finish in a task of its own so that the shutdown's cancellation cannot stop the bookkeeping.
        await Task {
            do {
                try await self.record(lease, outcome: outcome, job: job, logger: logger)
            } catch let error as JobQueueError {
                logger.warning("result refused", metadata: ["error": .string(error.description)])
            } catch {
                logger.error("could not record result", metadata: ["error": .string("\(error)")])
            }
        }.value
    }

    private func record(_ lease: JobLease, outcome: AttemptOutcome, job: Job, logger: Logger) async throws {
        switch outcome {
        case .success:
            try await driver.complete(lease)
            logger.info("job completed")
        case .cancelledAtShutdown:
            try await driver.release(lease)
            logger.notice("job released at shutdown")
        case .failure(JobQueueError.leaseLost(let lost)):
            logger.warning("lease lost while running", metadata: ["lease_owner": .string(lost.owner)])
        case .failure(let error):
            let failure = JobAttemptError(attempt: job.attempt, failedAt: now(), message: "\(error)")
            let retryAt: Date?
            switch error {
            case JobHandlerError.permanent:
                retryAt = nil
            case JobHandlerError.retryAfter(let minimum, _):
                retryAt =
                    now() + options.retryPolicy.delay(afterAttempt: job.attempt, atLeast: minimum).seconds
            default:
                retryAt = now() + options.retryPolicy.delay(afterAttempt: job.attempt).seconds
            }
            let state = try await driver.fail(lease, error: failure, retryAt: retryAt)
            if state == .dead {
                logger.error("job dead", metadata: ["error": .string(failure.message)])
            } else {
                logger.warning(
                    "job failed, will retry",
                    metadata: ["error": .string(failure.message), "retry_at": .string("\(retryAt ?? now())")])
            }
        }
    }
}

/// The number of jobs a queue loop has running.
private final class RunningJobs: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func add(_ delta: Int) { value.withLock { $0 += delta } }
}

private enum AttemptOutcome {
    case success
    case failure(any Error)
    case cancelledAtShutdown
}

/// An attempt ran past its handler's timeout.
public struct JobTimeoutError: Error, CustomStringConvertible {
    public var timeout: Duration
    public var description: String { "timed out after \(timeout.seconds)s" }
}
