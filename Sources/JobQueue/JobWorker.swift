import AsyncAlgorithms
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// A service that takes job attempts from its source and runs them with their handlers.
///
/// Each queue has its own loop that keeps up to `concurrency` jobs running, asks its
/// ``JobAttemptSource`` (database claims unless told otherwise) for as many attempts as it has free
/// slots in one call, and sleeps until the driver's notifier or the poll interval wakes
/// it. On graceful shutdown it stops claiming, lets running jobs finish within the grace period,
/// then cancels the rest and releases their leases without spending an attempt. Cancelling the task
/// that runs it ends it at once: running jobs are cancelled and released, and no loop outlives it.
public final class JobWorker: Service {
    private let driver: any JobQueueDriver
    private let source: any JobAttemptSource
    private let handoff: JobHandoff?
    private let handlers: [String: any JobHandler]
    private let options: JobWorkerOptions
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let stopping = Mutex(false)
    private let signals: [String: WakeSignal]
    private let attempts = RunningAttempts()

    /// A worker that records its results with `driver` and runs the attempts `source` hands out
    /// (by default, ``DatabaseClaimSource`` claims on the same driver), and the jobs this process
    /// hands it with `handoff` as it enqueues them.
    public init(
        driver: any JobQueueDriver, source: (any JobAttemptSource)? = nil, handoff: JobHandoff? = nil,
        handlers: [any JobHandler], options: JobWorkerOptions, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.driver = driver
        self.source = source ?? DatabaseClaimSource(driver: driver)
        self.handoff = handoff
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
                "concurrency": .string(
                    options.queues.map { "\($0)=\(options.concurrency(for: $0))" }.joined(separator: ",")),
            ])
        await withGracefulShutdownHandler {
            // Heartbeats and leases are kept until the last queue loop has ended, through the grace period.
            await withDiscardingTaskGroup { supervision in
                supervision.addTask { await self.heartbeatLoop() }
                supervision.addTask { await self.pruneLoop() }
                supervision.addTask { await self.keepLeases() }
                await withDiscardingTaskGroup { queues in
                    for (queue, signal) in signals {
                        queues.addTask { await self.runLoop(queue: queue, signal: signal) }
                    }
                }
                supervision.cancelAll()
            }
        } onGracefulShutdown: {
            self.stop()
        }
        // A cancelled worker cannot count on its driver (the store may be closing beside it); its
        // record goes stale by itself.
        if !Task.isCancelled {
            do {
                try await driver.removeWorker(id: options.workerID)
            } catch {
                logger.warning("could not remove the worker record", metadata: ["error": .string("\(error)")])
            }
        }
        logger.info("worker stopped")
    }

    /// Stops claiming; running jobs get the grace period to finish.
    public func stop() {
        stopping.withLock { $0 = true }
        for signal in signals.values { signal.wake() }
    }

    /// Records this worker's heartbeat now and then every interval, until the queue loops have ended
    /// or the task is cancelled.
    private func heartbeatLoop() async {
        let started = now()
        await recordHeartbeat(startedAt: started)
        for await _ in AsyncTimerSequence(interval: options.heartbeatInterval, clock: .continuous) {
            await recordHeartbeat(startedAt: started)
        }
    }

    private func recordHeartbeat(startedAt: Date) async {
        let heartbeat = WorkerHeartbeat(
            workerID: options.workerID, queues: options.queues, host: ProcessInfo.processInfo.hostName,
            processID: Int(ProcessInfo.processInfo.processIdentifier), startedAt: startedAt, lastSeenAt: now()
        )
        do {
            try await driver.recordHeartbeat(heartbeat)
        } catch {
            warn("heartbeat failed", error)
        }
    }

    /// Deletes completed jobs past their retention now and then every interval, a batch at a time,
    /// until graceful shutdown or cancellation.
    private func pruneLoop() async {
        await prune()
        for await _ in AsyncTimerSequence(interval: options.pruneInterval, clock: .continuous)
            .cancelOnGracefulShutdown()
        {
            await prune()
        }
    }

    private func prune() async {
        var pruned = 0
        do {
            while !isStopping && !Task.isCancelled {
                let batch = try await driver.pruneCompletedJobs(
                    before: now() - options.completedRetention.seconds, limit: 1000)
                pruned += batch
                if batch < 1000 { break }
            }
        } catch {
            warn("prune failed", error)
        }
        if pruned > 0 {
            logger.info("completed jobs pruned", metadata: ["count": .stringConvertible(pruned)])
        }
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    /// Logs a failed driver call, unless the worker's task has been cancelled: the failure is then
    /// the cancellation's, or that of the store closing beside the worker.
    private func warn(_ message: Logger.Message, _ error: any Error, metadata: Logger.Metadata = [:]) {
        guard !Task.isCancelled else { return }
        logger.warning(message, metadata: metadata.merging(["error": .string("\(error)")]) { $1 })
    }

    /// Renews the leases of every running attempt in one call, a third of a lease apart, and beside
    /// them the locks of their deliveries; an attempt whose lease was lost is cancelled. A renewal
    /// that fails (the database or the broker is away) is tried again at the next turn; the
    /// attempts run on, and their results are refused if the lease expired meanwhile.
    private func keepLeases() async {
        for await _ in AsyncTimerSequence(interval: options.leaseDuration / 3, clock: .continuous) {
            let held = attempts.leases()
            guard !held.isEmpty else { continue }
            do {
                let renewed = try await driver.renewLeases(held, for: options.leaseDuration)
                attempts.stop(held.filter { !renewed.contains($0.jobID) }, because: .leaseLost)
            } catch {
                warn("lease renewal failed", error)
            }
            let deliveries = attempts.deliveries()
            guard !deliveries.isEmpty else { continue }
            do {
                try await source.renew(deliveries)
            } catch {
                warn("delivery lock renewal failed", error)
            }
        }
    }

    private func runLoop(queue: String, signal: WakeSignal) async {
        driver.notifier.subscribe(signal, to: queue)
        defer { driver.notifier.unsubscribe(signal, from: queue) }
        let concurrency = options.concurrency(for: queue)
        let slots = QueueSlots(
            concurrency: concurrency,
            lease: JobRequest.Lease(owner: options.workerID, duration: options.leaseDuration), signal: signal)
        handoff?.open(slots, queue: queue)
        let batch = max(1, concurrency / 4)
        let announced = source.announcesWork
        await withDiscardingTaskGroup { group in
            func start(_ attempts: [JobAttempt]) {
                for attempt in attempts {
                    group.addTask {
                        await self.process(attempt)
                        slots.finished()
                    }
                }
            }
            // When the queue loop first saw some, but too few, slots free while jobs ran.
            var fewFreeSince: ContinuousClock.Instant?
            var lastClaim = ContinuousClock.now - options.pollInterval
            while !isStopping && !Task.isCancelled {
                start(slots.takeHanded())
                let sinceClaim = ContinuousClock.now - lastClaim
                if !announced || signal.takeNewWork() || sinceClaim >= options.pollInterval {
                    slots.mayHaveWork()
                }
                // Found empty, with nothing announced since: handed-over jobs and the poll wake it.
                guard !slots.isDrained else {
                    await signal.wait(timeout: options.pollInterval - sinceClaim)
                    continue
                }
                let busy = slots.taken
                let free = concurrency - busy
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
                let limit = slots.beginClaim()
                let claimed: [JobAttempt]
                do {
                    claimed = try await source.nextAttempts(
                        queue: queue, limit: limit, owner: options.workerID,
                        leaseDuration: options.leaseDuration)
                } catch {
                    slots.endClaim(took: 0, drained: false)
                    warn("claim failed", error, metadata: ["queue": .string(queue)])
                    await signal.wait(timeout: options.pollInterval)
                    continue
                }
                lastClaim = .now
                slots.endClaim(took: claimed.count, drained: announced && claimed.count < limit)
                start(claimed)
                if claimed.isEmpty && !announced { await signal.wait(timeout: options.pollInterval) }
            }
            handoff?.close(queue: queue)
            // Until running jobs finish, the grace period ends or the task is cancelled; jobs handed
            // over meanwhile (their reservations were made before) run too.
            let deadline = ContinuousClock.now + options.gracePeriod
            while !Task.isCancelled {
                start(slots.takeHanded())
                let left = deadline - ContinuousClock.now
                guard slots.taken > 0, left > .zero else { break }
                await signal.wait(timeout: left)
            }
            attempts.stopAll(in: queue, because: .shutdown)
        }
    }

    /// Runs the attempt, records its result in the database, then settles its delivery, if it came
    /// with one.
    ///
    /// The handler runs in this task, not one of its own: a job costs one task. An attempt that was
    /// stopped (its task cancelled) records its result from a task that is not cancelled.
    private func process(_ attempt: JobAttempt) async {
        let logger = jobLogger(attempt.job)
        guard let handler = handlers[attempt.job.kind] else {
            let settlement = await giveBack(attempt.job, lease: attempt.lease, logger: logger)
            JobMetrics.record(settlement, of: attempt.job, ran: nil)
            await settle(attempt, as: settlement)
            return
        }
        // Little is kept here across the handler's run: every frame under a waiting job is memory
        // held, for up to `concurrency` jobs a queue; recording the result is a step of its own.
        let started = ContinuousClock.now
        let outcome = await runAttempt(attempt, handler: handler, logger: logger)
        await conclude(attempt, outcome: outcome, ran: ContinuousClock.now - started, logger: logger)
    }

    private func jobLogger(_ job: Job) -> Logger {
        var logger = self.logger
        logger[metadataKey: "job_id"] = .string(job.id)
        logger[metadataKey: "queue"] = .string(job.queue)
        logger[metadataKey: "kind"] = .string(job.kind)
        logger[metadataKey: "attempt"] = .stringConvertible(job.attempt)
        return logger
    }

    /// Records the attempt's outcome in the database, then settles its delivery.
    @inline(never)  // Its frame is not under the handler's wait.
    private func conclude(_ attempt: JobAttempt, outcome: AttemptOutcome, ran: Duration, logger: Logger) async
    {
        let duration: Logger.MetadataValue = .stringConvertible(Int(ran.seconds * 1000))
        let settlement: JobAttemptSettlement
        if case .success(.completedWithResult) = outcome {
            // The usual case, with nothing to record: the result's transaction completed the job.
            // Decided here, the job's task never holds `finish`'s and `record`'s frames. The
            // duration goes with the entry alone: a logger of its own cost three copies a job.
            logger.info("job completed", metadata: ["duration_ms": duration])
            settlement = .completed
        } else {
            var logger = logger
            logger[metadataKey: "duration_ms"] = duration
            if Task.isCancelled {
                settlement = await Task { [logger] in
                    await self.finish(attempt.lease, outcome: outcome, job: attempt.job, logger: logger)
                }.value
            } else {
                settlement = await finish(attempt.lease, outcome: outcome, job: attempt.job, logger: logger)
            }
        }
        JobMetrics.record(settlement, of: attempt.job, ran: ran)
        await settle(attempt, as: settlement)
    }

    /// Settles the attempt's delivery, if it came with one.
    private func settle(_ attempt: JobAttempt, as settlement: JobAttemptSettlement) async {
        guard let delivery = attempt.delivery else { return }
        do {
            if Task.isCancelled {
                try await Task { try await self.source.settle(delivery, as: settlement) }.value
            } else {
                try await source.settle(delivery, as: settlement)
            }
        } catch {
            warn(
                "could not settle the delivery", error, metadata: ["message_id": .string(delivery.messageID)])
        }
    }

    /// Runs the handler in the current task, which the lease keeper, its timeout (kept by the shared
    /// ``DeadlineWatch``) or the shutdown can cancel; the outcome says which did. Cancelled without
    /// a reason, the task's worker is being cancelled: that is a shutdown too.
    private func runAttempt(_ attempt: JobAttempt, handler: any JobHandler, logger: Logger) async
        -> AttemptOutcome
    {
        let job = attempt.job
        let lease = attempt.lease
        withUnsafeCurrentTask { task in
            // An async function always runs in a task.
            if let task { attempts.add(attempt, task: HandlerTask(task: task)) }
        }
        let timeout = handler.timeout
        let ticket = DeadlineWatch.shared.add(deadline: .now + timeout) { [attempts] in
            attempts.stop([lease], because: .timedOut(timeout))
        }
        let result: Result<JobHandlerOutcome, any Error>
        do {
            result = .success(try await handler.handle(job, logger: logger))
        } catch {
            result = .failure(error)
        }
        DeadlineWatch.shared.remove(ticket)
        // A handler that finished its work is not failed for having been asked to stop meanwhile,
        // unless its lease is gone (its result would be refused). A handler that completed its job
        // did so under its lease, fenced in its transaction: the lease was found gone after that
        // (a renewal meets a completed job), and the job is done.
        switch (attempts.remove(lease), result) {
        case (_, .success(.completedWithResult)): return .success(.completedWithResult)
        case (.leaseLost?, _): return .failure(JobQueueError.leaseLost(lease))
        case (_, .success(let handled)): return .success(handled)
        case (.timedOut(let timeout)?, .failure): return .failure(JobTimeoutError(timeout: timeout))
        case (.shutdown?, .failure): return .cancelledAtShutdown
        case (nil, .failure) where Task.isCancelled: return .cancelledAtShutdown
        case (nil, .failure(let error)): return .failure(error)
        }
    }

    /// Gives a job of a kind this worker does not know back for another worker, or makes it dead
    /// once no worker has known the kind for the grace period.
    private func giveBack(_ job: Job, lease: JobLease, logger: Logger) async -> JobAttemptSettlement {
        let grace = options.unknownKindGrace
        let error = JobAttemptError(
            attempt: job.attempt, failedAt: now(),
            message: "no handler for job kind '\(job.kind)' on any worker for \(grace)")
        let retryAt = now() + options.unknownKindRetryDelay.seconds
        do {
            let state = try await driver.releaseUnknownKind(
                lease, retryAt: retryAt, grace: grace, error: error)
            if state == .dead {
                logger.error("job dead", metadata: ["error": .string(error.message)])
            } else {
                logger.warning(
                    "job kind unknown to this worker, given back for another",
                    metadata: ["retry_at": .string("\(retryAt)")])
            }
            return .givenBack(state)
        } catch let error as JobQueueError {
            logger.warning("could not give the job back", metadata: ["error": .string(error.description)])
            return .skipped
        } catch {
            logger.warning("could not give the job back", metadata: ["error": .string("\(error)")])
            return .unrecorded
        }
    }

    private func finish(_ lease: JobLease, outcome: AttemptOutcome, job: Job, logger: Logger) async
        -> JobAttemptSettlement
    {
        do {
            return try await record(lease, outcome: outcome, job: job, logger: logger)
        } catch let error as JobQueueError {
            logger.warning("result refused", metadata: ["error": .string(error.description)])
            return .skipped
        } catch {
            logger.error("could not record result", metadata: ["error": .string("\(error)")])
            return .unrecorded
        }
    }

    private func record(_ lease: JobLease, outcome: AttemptOutcome, job: Job, logger: Logger) async throws
        -> JobAttemptSettlement
    {
        switch outcome {
        case .success(.completedWithResult):
            // `conclude` settles these without recording anything; here for a complete switch.
            return .completed
        case .success(.finished):
            try await driver.complete(lease)
            logger.info("job completed")
            return .completed
        case .cancelledAtShutdown:
            try await driver.release(lease)
            logger.notice("job released at shutdown")
            return .released
        case .failure(JobQueueError.leaseLost(let lost)):
            logger.warning("lease lost while running", metadata: ["lease_owner": .string(lost.owner)])
            return .skipped
        case .failure(let error):
            return try await recordFailure(lease, error: error, job: job, logger: logger)
        }
    }

    /// Fails the attempt: the job is retried after a backoff (at least a handler's Retry-After),
    /// or dead after a permanent failure or its last attempt.
    private func recordFailure(_ lease: JobLease, error: any Error, job: Job, logger: Logger) async throws
        -> JobAttemptSettlement
    {
        let failure = JobAttemptError(attempt: job.attempt, failedAt: now(), message: "\(error)")
        let retryAt: Date?
        switch error {
        case JobHandlerError.permanent:
            retryAt = nil
        case JobHandlerError.retryAfter(let minimum, _):
            retryAt = now() + options.retryPolicy.delay(afterAttempt: job.attempt, atLeast: minimum).seconds
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
        return .failed(state)
    }
}

private enum AttemptOutcome {
    case success(JobHandlerOutcome)
    case failure(any Error)
    case cancelledAtShutdown
}

/// An attempt ran past its handler's timeout.
public struct JobTimeoutError: Error, CustomStringConvertible {
    public var timeout: Duration
    public var description: String { "timed out after \(timeout.seconds)s" }
}
