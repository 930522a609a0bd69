import AzureServiceBus
import JobQueue
import Logging
import ServiceLifecycle
import Synchronization

/// The attempt source of a broker worker: it receives job messages from Service Bus with
/// peek-lock, claims the job each names by id, and settles the message once the worker recorded
/// the attempt's result in the database.
///
/// It is a `Service` as well: its `run()` keeps the receives going, several long polls at once per
/// queue but never more than the worker has free slots for, and backs off while receives fail. List
/// it before the ``JobWorker`` that uses it, so that it stops after the worker; at graceful shutdown
/// it gives back (abandons) the messages it received and did not hand out. Cancelling its task ends
/// it at once.
///
/// A message whose job cannot be claimed (completed, running under another live lease, stale, or
/// unknown), or whose body is not a ``JobMessage``, is completed and skipped. A settled attempt
/// completes its message when the database holds its outcome (completed, failed, given back,
/// refused), and abandons it when the job went back without an outcome (released at shutdown,
/// unrecorded), so that another worker gets it sooner.
///
/// ```swift
/// let source = ServiceBusAttemptSource(client: client, driver: store.jobs, queues: queues, logger: logger)
/// let worker = JobWorker(driver: store.jobs, source: source, handlers: handlers, options: options, logger: logger)
/// let group = ServiceGroup(services: [source, worker], logger: logger)
/// ```
public final class ServiceBusAttemptSource: JobAttemptSource, Service {
    private let client: ServiceBusClient
    private let driver: any JobQueueDriver
    private let options: Options
    private let logger: Logger
    private let buffers: [String: DeliveryBuffer]
    /// The messages of attempts handed out and not settled yet, by lock token.
    private let held = Mutex<[String: ServiceBusReceivedMessage]>([:])

    /// A source that receives from `queues` with `client` and claims on `driver`.
    public init(
        client: ServiceBusClient, driver: any JobQueueDriver, queues: [String], options: Options = .init(),
        logger: Logger
    ) {
        self.client = client
        self.driver = driver
        self.options = options
        self.logger = logger
        self.buffers = Dictionary(uniqueKeysWithValues: Set(queues).map { ($0, DeliveryBuffer()) })
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for (queue, buffer) in buffers {
                    group.addTask { await self.dispatchReceives(queue: queue, buffer: buffer) }
                }
            }
        } onGracefulShutdown: {
            for buffer in self.buffers.values { buffer.close() }
        }
        guard !Task.isCancelled else { return }
        for buffer in buffers.values {
            for message in buffer.drain() { await abandon(message) }
        }
    }

    /// Up to `limit` attempts from the messages received for `queue`, waiting up to the hand-off
    /// wait for one; throws a failed receive's error when no message came since. The wait ends
    /// early, with none, when the calling worker's graceful shutdown begins or its task is
    /// cancelled.
    ///
    /// - Throws: `ServiceBusError.notFound` for a queue this source was not made for.
    public func nextAttempts(queue: String, limit: Int, owner: String, leaseDuration: Duration) async throws
        -> [JobAttempt]
    {
        guard let buffer = buffers[queue] else { throw ServiceBusError.notFound(entity: queue) }
        buffer.want(limit)
        let deadline = ContinuousClock.now + options.handOffWait
        return try await withGracefulShutdownHandler {
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let (messages, failure) = buffer.take(limit)
                if let failure { throw failure }
                if !messages.isEmpty {
                    let attempts = try await claim(messages, owner: owner, leaseDuration: leaseDuration)
                    buffer.handedOut(attempts.count)
                    if !attempts.isEmpty { return attempts }
                }
                let left = deadline - .now
                guard left > .zero else { break }
                await buffer.arrivals.wait(timeout: left)
            }
            return []
        } onGracefulShutdown: {
            buffer.arrivals.wake()
        }
    }

    /// Extends the locks of the deliveries' messages, all at once. A lost lock is logged: the job's
    /// lease decides whether the attempt goes on.
    public func renew(_ deliveries: [JobDelivery]) async throws {
        let messages = held.withLock { held in deliveries.compactMap { held[$0.lockToken] } }
        let failures = await withTaskGroup(of: (ServiceBusReceivedMessage, any Error)?.self) { group in
            for message in messages {
                group.addTask {
                    do {
                        try await self.client.renewLock(message)
                        return nil
                    } catch {
                        return (message, error)
                    }
                }
            }
            var failures: [(ServiceBusReceivedMessage, any Error)] = []
            for await case let failure? in group { failures.append(failure) }
            return failures
        }
        var firstFailure: (any Error)?
        for (message, error) in failures {
            // A message settled while its lock was being renewed has no lock left to renew.
            guard let lockToken = message.lockToken, held.withLock({ $0[lockToken] != nil }) else { continue }
            if case ServiceBusError.lockLost = error {
                logger.notice(
                    "message lock lost while its job runs; the job's lease decides",
                    metadata: metadata(message))
            } else {
                firstFailure = firstFailure ?? error
            }
        }
        if let firstFailure { throw firstFailure }
    }

    /// Completes the delivery's message when the database holds the attempt's outcome, abandons it
    /// when the job went back without one. A lock lost meanwhile is logged: the message comes back
    /// and finds its job settled.
    public func settle(_ delivery: JobDelivery, as settlement: JobAttemptSettlement) async throws {
        guard let message = held.withLock({ $0.removeValue(forKey: delivery.lockToken) }) else { return }
        do {
            switch settlement {
            case .completed, .failed, .givenBack, .skipped:
                try await client.complete(message)
            case .released, .unrecorded:
                try await client.abandon(message)
            }
        } catch ServiceBusError.lockLost {
            logger.notice(
                "message lock lost before it was settled; it will be delivered again and skipped",
                metadata: metadata(message))
        }
    }

    /// Starts receives for `queue` as its worker wants them, until shutdown or cancellation; the
    /// receives in flight then end by themselves (a long poll at most) or with the cancellation.
    private func dispatchReceives(queue: String, buffer: DeliveryBuffer) async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                switch buffer.dispatch(receivers: options.receivers, idle: options.receiveWait) {
                case .stop:
                    return
                case .wait(let duration):
                    await buffer.demand.wait(timeout: duration)
                case .start(let count):
                    for _ in 0..<count {
                        group.addTask { await self.receive(queue: queue, into: buffer) }
                    }
                }
            }
        }
    }

    /// One receive: its message goes to the buffer and wakes the worker's waiting call; its failure
    /// holds the next receives back.
    private func receive(queue: String, into buffer: DeliveryBuffer) async {
        let result: Result<ServiceBusReceivedMessage?, any Error>
        do {
            result = .success(try await client.receive(from: queue, timeout: options.receiveWait))
        } catch is CancellationError {
            result = .success(nil)
        } catch {
            result = .failure(error)
        }
        let brokerAsked = Self.retryAfter(of: result)
        buffer.ended(result) { failures in options.backoff(failures: failures, brokerAsked: brokerAsked) }
    }

    private static func retryAfter(of result: Result<ServiceBusReceivedMessage?, any Error>) -> Duration? {
        guard case .failure(let error as ServiceBusError) = result else { return nil }
        return error.retryAfter
    }

    /// Claims the job each message names, all at once (the driver can share one transaction among
    /// claims that arrive together); a message whose job cannot be claimed, or that names no job, is
    /// completed and skipped. A message whose claim failed (the database away) is abandoned; the
    /// failure is thrown when no attempt was claimed.
    private func claim(_ messages: [ServiceBusReceivedMessage], owner: String, leaseDuration: Duration)
        async throws -> [JobAttempt]
    {
        let outcomes = await withTaskGroup(of: Result<JobAttempt?, any Error>.self) { group in
            for message in messages {
                group.addTask {
                    let outcome: Result<JobAttempt?, any Error>
                    do {
                        outcome = .success(
                            try await self.claim(message, owner: owner, leaseDuration: leaseDuration))
                    } catch {
                        outcome = .failure(error)
                    }
                    return outcome
                }
            }
            var outcomes: [Result<JobAttempt?, any Error>] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        var attempts: [JobAttempt] = []
        var failure: (any Error)?
        for outcome in outcomes {
            switch outcome {
            case .success(let attempt?): attempts.append(attempt)
            case .success(nil): break
            case .failure(let error): failure = failure ?? error
            }
        }
        if attempts.isEmpty, let failure { throw failure }
        return attempts
    }

    /// Claims the job one message names: its attempt, or nil when the message was completed and
    /// skipped. A failed claim abandons the message and throws.
    private func claim(_ message: ServiceBusReceivedMessage, owner: String, leaseDuration: Duration)
        async throws -> JobAttempt?
    {
        guard let lockToken = message.lockToken, let body = JobMessage(body: message.body) else {
            logger.notice("message names no job; completed and skipped", metadata: metadata(message))
            await complete(message)
            return nil
        }
        let claimed: Job?
        do {
            claimed = try await driver.claimJob(
                id: body.jobID, attempt: body.attempt, owner: owner, leaseDuration: leaseDuration)
        } catch {
            await abandon(message)
            throw error
        }
        guard let job = claimed, let lease = job.lease else {
            logger.debug(
                "job not claimable (done, running elsewhere, stale or unknown); message completed and skipped",
                metadata: metadata(message, job: body))
            await complete(message)
            return nil
        }
        held.withLock { $0[lockToken] = message }
        let delivery = JobDelivery(messageID: message.messageId ?? body.messageID, lockToken: lockToken)
        return JobAttempt(job: job, lease: lease, delivery: delivery)
    }

    /// Completes a message nobody will run; a failure is logged, and the message comes back.
    private func complete(_ message: ServiceBusReceivedMessage) async {
        do {
            try await client.complete(message)
        } catch {
            logger.notice(
                "could not complete a skipped message; it will be delivered again",
                metadata: metadata(message).merging(["error": .string("\(error)")]) { $1 })
        }
    }

    /// Gives a message back for another receiver; a failure is logged, and the lock expires.
    private func abandon(_ message: ServiceBusReceivedMessage) async {
        do {
            try await client.abandon(message)
        } catch {
            logger.notice(
                "could not abandon a message; it comes back when its lock expires",
                metadata: metadata(message).merging(["error": .string("\(error)")]) { $1 })
        }
    }

    private func metadata(_ message: ServiceBusReceivedMessage, job: JobMessage? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "queue": .string(message.entity), "message_id": .string(message.messageId ?? "?"),
            "delivery_count": .stringConvertible(message.deliveryCount),
        ]
        if let job { metadata["job_id"] = .string(job.jobID) }
        return metadata
    }
}
