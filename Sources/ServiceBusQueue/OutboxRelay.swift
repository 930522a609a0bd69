import AzureServiceBus
import Foundation
import JobQueue
import Logging
import ServiceLifecycle
import Synchronization

/// The service that publishes the outbox: it holds unpublished jobs, sends one Service Bus message
/// per job attempt, and marks the jobs published once the broker has accepted them.
///
/// One loop per queue wakes when this process enqueues a job on it, or after the poll interval;
/// while ``PublishCircuit`` allows, it holds a batch (see ``JobOutbox``), sends it in one request,
/// marks it published, and goes again at once when the batch was full. A job not yet due is sent
/// as a scheduled message for its run-at. The message's `MessageId` is ``JobMessage/messageID``
/// and its body ``JobMessage/encoded()``.
///
/// A failed send releases the batch and feeds the circuit: once it is open, no relay of this
/// process sends until it half-opens, and the database workers run what stays unpublished for the
/// fallback window. Publishing resumes by itself when a probe succeeds. The relay logs one line
/// when the circuit opens and one when it closes.
///
/// Many relays, in one process or many, may run on one database: a job is held by one at a time.
/// A message sent whose job was not marked (the relay stopped, or the database failed, between
/// the two) is sent again once the hold runs out; its receiver finds the second one stale.
///
/// The relay stops at graceful shutdown, after the batch in hand, and on cancellation.
public final class OutboxRelay: Service {
    public let outbox: any JobOutbox
    public let sender: any JobMessageSender
    public let queues: [String]
    public let circuit: PublishCircuit
    public let notifier: JobNotifier
    public let options: Options
    /// The name this relay holds jobs under, unique to it.
    public let owner: String
    private let logger: Logger
    private let stopping = Mutex(false)

    public init(
        outbox: any JobOutbox, sender: any JobMessageSender, queues: [String], circuit: PublishCircuit,
        notifier: JobNotifier, options: Options, logger: Logger
    ) {
        self.outbox = outbox
        self.sender = sender
        self.queues = queues
        self.circuit = circuit
        self.notifier = notifier
        self.options = options
        owner = "relay-" + JobWorkerOptions.defaultWorkerID()
        var logger = logger
        logger[metadataKey: "relay_id"] = .string(owner)
        self.logger = logger
    }

    public func run() async throws {
        let signals = queues.map { ($0, WakeSignal()) }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for (queue, signal) in signals {
                    group.addTask { await self.publishLoop(queue: queue, signal: signal) }
                }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            for (_, signal) in signals { signal.wake() }
        }
    }

    private var isStopping: Bool { stopping.withLock { $0 } }

    private func publishLoop(queue: String, signal: WakeSignal) async {
        notifier.subscribe(signal, to: queue)
        defer { notifier.unsubscribe(signal, from: queue) }
        while !isStopping && !Task.isCancelled {
            if await publishBatch(queue: queue) { continue }
            await signal.wait(timeout: options.pollInterval)
        }
    }

    /// Holds, sends and marks one batch of `queue`'s unpublished jobs, if the circuit allows; true
    /// when the batch was full and sent, so that more may be waiting.
    private func publishBatch(queue: String) async -> Bool {
        guard circuit.allowsAttempt() else { return false }
        let entries: [OutboxEntry]
        do {
            entries = try await outbox.holdUnpublished(
                queue: queue, limit: options.batchSize, owner: owner, hold: options.holdDuration)
        } catch {
            circuit.cancelAttempt()
            warn("could not hold unpublished jobs", error, queue: queue)
            return false
        }
        guard !entries.isEmpty else {
            if circuit.state.isOpen { await probe(queue) } else { circuit.cancelAttempt() }
            return false
        }
        do {
            try await send(entries, to: queue)
        } catch {
            await release(entries, queue: queue)
            if Task.isCancelled {
                circuit.cancelAttempt()
            } else if circuit.recordFailure(error) {
                logger.error(
                    "publishing to Service Bus failed; database workers run unpublished jobs until it recovers",
                    metadata: ["queue": .string(queue), "error": .string("\(error)")])
            }
            return false
        }
        recordSuccess(queue: queue)
        do {
            let marked = try await outbox.markPublished(
                entries, owner: owner, reclaimAfter: options.reclaimWindow)
            logger.debug(
                "published jobs",
                metadata: [
                    "queue": .string(queue), "sent": .stringConvertible(entries.count),
                    "marked": .stringConvertible(marked.count),
                ])
        } catch {
            warn(
                "could not mark sent jobs published; they are sent again when their hold runs out", error,
                queue: queue)
            return false
        }
        return entries.count == options.batchSize
    }

    /// The half-open circuit's attempt when there is nothing to publish: asks the broker whether it
    /// answers (``JobMessageSender/probe(queue:)``), so that publishing resumes, and the status and
    /// the answers' `queue_mode` say so, without waiting for the next job.
    private func probe(_ queue: String) async {
        let sender = sender
        do {
            try await withinSendTimeout(queue: queue) { try await sender.probe(queue: queue) }
        } catch {
            if Task.isCancelled { circuit.cancelAttempt() } else { circuit.recordFailure(error) }
            return
        }
        recordSuccess(queue: queue)
    }

    /// Tells the circuit the broker answered, and says so once when that closed it.
    private func recordSuccess(queue: String) {
        if circuit.recordSuccess() {
            logger.notice("publishing to Service Bus resumed", metadata: ["queue": .string(queue)])
        }
    }

    /// Sends the entries' messages as one batch, within the send timeout.
    private func send(_ entries: [OutboxEntry], to queue: String) async throws {
        let now = Date()
        let messages = entries.map { Self.message(for: $0, now: now) }
        let sender = sender
        try await withinSendTimeout(queue: queue) { try await sender.send(batch: messages, to: queue) }
    }

    /// Runs a request to the broker for `queue`, failing it once the send timeout has passed.
    private func withinSendTimeout(queue: String, _ request: @escaping @Sendable () async throws -> Void)
        async throws
    {
        let timeout = options.sendTimeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await request() }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw OutboxRelayError.sendTimedOut(queue: queue, after: timeout)
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    /// The message for one attempt of a job: scheduled for its run-at when that is still ahead.
    private static func message(for entry: OutboxEntry, now: Date) -> ServiceBusMessage {
        let job = JobMessage(jobID: entry.jobID, attempt: entry.attempt, kind: entry.kind)
        return ServiceBusMessage(
            body: job.encoded(), contentType: "application/json",
            properties: ServiceBusBrokerProperties(
                messageId: job.messageID, label: entry.kind,
                scheduledEnqueueTime: entry.runAt > now ? entry.runAt : nil))
    }

    /// Lets go of a batch that was not sent, even when this task was cancelled: otherwise its jobs
    /// would wait for their hold to run out.
    private func release(_ entries: [OutboxEntry], queue: String) async {
        let outbox = outbox
        let owner = owner
        do {
            try await Task { try await outbox.releaseHeld(entries, owner: owner) }.value
        } catch {
            warn("could not release held jobs; they are free when their hold runs out", error, queue: queue)
        }
    }

    private func warn(_ message: Logger.Message, _ error: any Error, queue: String) {
        logger.warning(message, metadata: ["queue": .string(queue), "error": .string("\(error)")])
    }
}
