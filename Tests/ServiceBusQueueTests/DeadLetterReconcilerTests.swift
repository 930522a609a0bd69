import AssayTestSupport
import AzureServiceBus
import Foundation
import JobQueue
import Logging
import ServiceBusEmulator
import ServiceBusQueue
import Testing

/// Messages the broker dead-lettered by itself, reconciled with their jobs: the job becomes dead in
/// the database with the broker's reason, the dead-letter subqueue empties, and an admin's retry
/// publishes the job again under a `MessageId` never used before.
@Suite("Dead-letter reconciler", .timeLimit(.minutes(2)))
struct DeadLetterReconcilerTests {
    static let queue = BrokerHarness.queue

    static var quiet: Logger {
        var logger = Logger(label: "reconciler-test")
        logger.logLevel = .critical
        return logger
    }

    /// Receives the queue's next message and abandons it, `times` times: with the queue's
    /// MaxDeliveryCount as `times`, the broker then moves it to the dead-letter subqueue.
    func abandon(_ broker: BrokerHarness, times: Int) async throws {
        for _ in 0..<times {
            let message = try #require(
                try await broker.client.receive(from: Self.queue, timeout: .seconds(1)))
            try await broker.client.abandon(message)
        }
    }

    func deadLetters(_ broker: BrokerHarness) -> Int {
        broker.emulator.namespace.counts(of: Self.queue)?.deadLetter ?? -1
    }

    /// Runs a reconciler of the harness's queue on its driver while `body` runs, then cancels it.
    func withReconciler(
        _ broker: BrokerHarness,
        options: DeadLetterReconciler.Options = .init(receiveWait: .seconds(1), idleWait: .zero),
        _ body: () async throws -> Void
    ) async throws {
        let reconciler = DeadLetterReconciler(
            client: broker.client, outbox: broker.driver, queues: [Self.queue], options: options,
            logger: Self.quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await reconciler.run() }
            defer { group.cancelAll() }
            try await body()
        }
    }

    @Test(
        "a job whose message the broker dead-lettered becomes dead with the reason, and is run by no one after"
    )
    func deadLetteredJobBecomesDead() async throws {
        try await BrokerHarness.run(maxDeliveryCount: 2) { broker in
            let handler = ClosureHandler(kind: "ok")
            let id = try await broker.publish(kind: "ok")
            try await abandon(broker, times: 2)
            #expect(deadLetters(broker) == 1)
            let status = ServiceBusStatusContributor(client: broker.client, outbox: broker.driver)
            #expect(
                try await status.statusExtras(queues: [Self.queue])[Self.queue]?.counts[
                    "dead_letter_messages"] == 1)

            try await withReconciler(broker) {
                let dead = try await eventually { try await broker.driver.job(id: id)?.state == .dead }
                #expect(dead)
                let emptied = try await eventually { deadLetters(broker) == 0 }
                #expect(emptied)
            }
            let job = try #require(try await broker.driver.job(id: id))
            #expect(
                job.errors.map(\.message) == [
                    "Service Bus dead-lettered the message of attempt 0 after 2 deliveries: MaxDeliveryCountExceeded "
                        + "(Message could not be consumed after 2 delivery attempts.)"
                ])
            #expect(try await broker.driver.deadJobs(queue: nil, limit: 10, offset: 0).jobs.map(\.id) == [id])
            #expect(
                try await status.statusExtras(queues: [Self.queue])[Self.queue]?.counts[
                    "dead_letter_messages"] == 0)

            // A late copy of its message finds the job dead: skipped, not run.
            try await broker.send(JobMessage(jobID: id, attempt: 0, kind: "ok"))
            try await broker.withWorker(handlers: [handler]) {
                let consumed = try await eventually { broker.activeMessages == 0 }
                #expect(consumed)
            }
            #expect(handler.runs.count == 0)
            #expect(try await broker.driver.job(id: id) == job)
        }
    }

    @Test(
        "a dead-lettered job retried by an admin is published under a new MessageId and run by a broker worker"
    )
    func retryRepublishesUnderANewMessageID() async throws {
        try await BrokerHarness.run(maxDeliveryCount: 2) { broker in
            let id = try await broker.publish(kind: "ok")
            try await abandon(broker, times: 2)
            try await withReconciler(broker) {
                let reconciled = try await eventually { deadLetters(broker) == 0 }
                #expect(reconciled)
            }
            #expect(try await broker.driver.job(id: id)?.state == .dead)
            let retried = try #require(try await broker.driver.retryDeadJob(id: id))
            #expect(retried.attempt == 1)

            let relay = OutboxRelay(
                outbox: broker.driver, sender: broker.client, queues: [Self.queue], circuit: PublishCircuit(),
                notifier: broker.driver.notifier, options: .init(pollInterval: .milliseconds(50)),
                logger: Self.quiet)
            let handler = ClosureHandler(kind: "ok")
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await relay.run() }
                defer { group.cancelAll() }
                let published = try #require(
                    try await broker.client.receive(from: Self.queue, timeout: .seconds(10)))
                #expect(published.messageId == "\(id):1", "the dead-lettered message was \(id):0")
                try await broker.client.abandon(published)
                try await broker.withWorker(handlers: [handler]) {
                    let completed = try await eventually {
                        try await broker.driver.job(id: id)?.state == .completed
                    }
                    #expect(completed)
                    let settled = try await eventually { broker.activeMessages == 0 }
                    #expect(settled)
                }
            }
            #expect(handler.runs.count == 1)
            #expect(deadLetters(broker) == 0)
        }
    }

    @Test("a stale dead-lettered message, or one that names no job, is completed and changes nothing")
    func staleMessagesAreCompletedAndSkipped() async throws {
        try await BrokerHarness.run(maxDeliveryCount: 2) { broker in
            let done = try await broker.driver.enqueue(
                JobRequest(queue: Self.queue, kind: "ok", payload: Data())
            ).job.id
            let running = try #require(
                try await broker.driver.claimJob(
                    id: done, attempt: 0, owner: "w", leaseDuration: .seconds(30)))
            try await broker.driver.complete(try #require(running.lease))
            let completed = try #require(try await broker.driver.job(id: done))
            try await broker.send(JobMessage(jobID: done, attempt: 0, kind: "ok"))
            try await broker.client.send(ServiceBusMessage(body: Data("not a job".utf8)), to: Self.queue)
            try await abandon(broker, times: 4)
            #expect(deadLetters(broker) == 2)

            try await withReconciler(broker) {
                let emptied = try await eventually { deadLetters(broker) == 0 }
                #expect(emptied)
            }
            #expect(try await broker.driver.job(id: done) == completed)
            #expect(try await broker.driver.deadJobs(queue: nil, limit: 10, offset: 0).total == 0)
        }
    }

    @Test("a broker that fails every receive is asked again after a growing wait, and used once it is back")
    func backsOffWhileTheBrokerFails() async throws {
        try await BrokerHarness.run(maxDeliveryCount: 1) { broker in
            let id = try await broker.publish(kind: "ok")
            try await abandon(broker, times: 1)
            broker.emulator.faults.inject(.failing(status: 500, retryAfterSeconds: 0), for: .seconds(600))
            let options = DeadLetterReconciler.Options(
                receiveWait: .seconds(1), idleWait: .zero, retryDelay: .milliseconds(250))
            try await withReconciler(broker, options: options) {
                let before = broker.tokens.requests.count
                try await Task.sleep(for: .seconds(2))
                // Waits of 0.25, 0.5 and 1 s: 4 receives at most in 2 s.
                #expect(broker.tokens.requests.count - before <= 4)
                #expect(try await broker.driver.job(id: id)?.state == .available)
                broker.emulator.faults.clear()
                let dead = try await eventually { try await broker.driver.job(id: id)?.state == .dead }
                #expect(dead)
            }
        }
    }
}
