import AzureServiceBus
import Foundation
import JobQueue
import Logging
import ServiceLifecycle
import Synchronization

/// The service that reconciles the messages Service Bus dead-lettered by itself with their jobs,
/// so that dead jobs live in one place, the database, where `assay dlq` and the dead-letter
/// endpoints show them and an admin's retry moves them back.
///
/// The broker moves a message to its queue's `$DeadLetterQueue` when it was delivered
/// MaxDeliveryCount times without being completed: each time, its receiver crashed, lost its lock,
/// or could not reach the database. One loop per queue receives from that subqueue with peek-lock
/// (a long poll of 5 s, then a rest of 15 s when none came, by default), and for each message:
///
/// - a ``JobMessage`` whose job still waits for it (see ``JobOutbox/markDeadLettered(jobID:attempt:message:)``):
///   the job becomes dead, with an error that says Service Bus dead-lettered its message, after how
///   many deliveries when the queue's MaxDeliveryCount can be read, and the broker's
///   `DeadLetterReason` and `DeadLetterErrorDescription`; then the message is completed.
/// - a stale one (its job completed, dead already, unknown, running, or at a later attempt): completed
///   and skipped, with a line at info level.
/// - a body that is not a ``JobMessage``: completed and skipped, with a warning.
///
/// A message whose job could not be reached (the database away) is abandoned and comes back. While
/// receives or the database fail, the loop waits (0.5 s doubling to 30 s by default, at least what the
/// broker asked) and says so once. Many reconcilers may run at once: a message is locked by one, and
/// the job's update is conditional, so a message handled twice finds its job dead and is skipped.
///
/// The reconciler stops at graceful shutdown or cancellation, long poll and all; a message it held
/// then comes back when its lock expires.
public final class DeadLetterReconciler: Service {
    private let client: ServiceBusClient
    private let outbox: any JobOutbox
    private let queues: [String]
    private let options: Options
    private let logger: Logger
    /// Each queue's MaxDeliveryCount, once the management API told it.
    private let deliveryLimits = Mutex<[String: Int]>([:])

    /// A reconciler of the dead-letter subqueues of `queues`, receiving with `client` and making
    /// jobs dead in `outbox`.
    public init(
        client: ServiceBusClient, outbox: any JobOutbox, queues: [String], options: Options = .init(),
        logger: Logger
    ) {
        self.client = client
        self.outbox = outbox
        self.queues = Array(Set(queues))
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for queue in self.queues {
                    group.addTask { await self.reconcileLoop(queue: queue) }
                }
            }
        }
    }

    private func reconcileLoop(queue: String) async {
        var failures = 0
        while !Task.isCancelled {
            let failure: any Error
            do {
                let message = try await client.receive(fromDeadLetterOf: queue, timeout: options.receiveWait)
                if let message { try await reconcile(message, queue: queue) }
                if failures > 0 {
                    logger.notice(
                        "reconciling dead-lettered messages again", metadata: ["queue": .string(queue)])
                }
                failures = 0
                if message == nil { try? await Task.sleep(for: options.idleWait) }
                continue
            } catch is CancellationError {
                return
            } catch {
                failure = error
            }
            failures += 1
            if failures == 1 {
                logger.notice(
                    "cannot reconcile dead-lettered messages for now; trying again with a growing wait",
                    metadata: ["queue": .string(queue), "error": .string("\(failure)")])
            }
            let wait = options.backoff(
                failures: failures, brokerAsked: (failure as? ServiceBusError)?.retryAfter)
            try? await Task.sleep(for: wait)
        }
    }

    /// Makes the job the message names dead when it still waits for the message, then completes the
    /// message; a stale message, or one that names no job, is completed and skipped.
    ///
    /// - Throws: the database's error, once the message was abandoned; the broker's, when the
    ///   message could not be completed for another reason than a lost lock.
    private func reconcile(_ message: ServiceBusReceivedMessage, queue: String) async throws {
        guard let job = JobMessage(body: message.body) else {
            logger.warning(
                "a dead-lettered message names no job; completed and skipped", metadata: metadata(message))
            try await complete(message)
            return
        }
        let entry = await errorMessage(for: message, attempt: job.attempt, queue: queue)
        let dead: Job?
        do {
            dead = try await outbox.markDeadLettered(jobID: job.jobID, attempt: job.attempt, message: entry)
        } catch {
            await abandon(message)
            throw error
        }
        if dead != nil {
            logger.warning(
                "Service Bus dead-lettered a job's message; the job is dead until an admin retries it",
                metadata: metadata(message, job: job).merging(["error": .string(entry)]) { $1 })
        } else {
            logger.info(
                "a dead-lettered message is stale (its job completed, dead, unknown, running or at a later attempt); completed and skipped",
                metadata: metadata(message, job: job))
        }
        try await complete(message)
    }

    /// What the job's error history says: that Service Bus dead-lettered the message of `attempt`,
    /// after how many deliveries (when the broker gave up at its MaxDeliveryCount and the queue's
    /// can be read), and the broker's reason and description.
    private func errorMessage(for message: ServiceBusReceivedMessage, attempt: Int, queue: String) async
        -> String
    {
        let reason = message.userProperties["deadletterreason"]
        let description = message.userProperties["deadlettererrordescription"]
        var text = "Service Bus dead-lettered the message of attempt \(attempt)"
        if reason == "MaxDeliveryCountExceeded", let limit = await deliveryLimit(of: queue) {
            text += " after \(limit) deliveries"
        }
        switch (reason, description) {
        case (let reason?, let description?): text += ": \(reason) (\(description))"
        case (let reason?, nil): text += ": \(reason)"
        case (nil, let description?): text += ": \(description)"
        case (nil, nil): text += "; the broker gave no reason"
        }
        return text
    }

    /// The queue's MaxDeliveryCount, asked once; `nil` when the management API cannot tell (a key
    /// without the Manage right, the broker away).
    private func deliveryLimit(of queue: String) async -> Int? {
        if let known = deliveryLimits.withLock({ $0[queue] }) { return known }
        guard let limit = try? await client.queueRuntimeProperties(queue).maxDeliveryCount else { return nil }
        deliveryLimits.withLock { $0[queue] = limit }
        return limit
    }

    /// Completes a message; a lost lock is logged, since the message comes back and is skipped then.
    private func complete(_ message: ServiceBusReceivedMessage) async throws {
        do {
            try await client.complete(message)
        } catch ServiceBusError.lockLost {
            logger.notice(
                "a dead-lettered message's lock was lost before it was completed; it comes back and is skipped",
                metadata: metadata(message))
        }
    }

    /// Gives a message back for a later try; a failure is logged, and the lock expires.
    private func abandon(_ message: ServiceBusReceivedMessage) async {
        do {
            try await client.abandon(message)
        } catch {
            logger.notice(
                "could not abandon a dead-lettered message; it comes back when its lock expires",
                metadata: metadata(message).merging(["error": .string("\(error)")]) { $1 })
        }
    }

    private func metadata(_ message: ServiceBusReceivedMessage, job: JobMessage? = nil) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "queue": .string(message.entity), "message_id": .string(message.messageId ?? "?"),
        ]
        if let job { metadata["job_id"] = .string(job.jobID) }
        return metadata
    }
}
