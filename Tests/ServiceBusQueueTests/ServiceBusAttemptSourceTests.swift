import AssayTestSupport
import AzureServiceBus
import Foundation
import JobQueue
import ServiceBusEmulator
import ServiceBusQueue
import ServiceLifecycle
import Testing

/// A worker fed by Service Bus: it receives job messages from the emulator, claims their jobs by id
/// in the database, and settles each message after the database holds the result.
@Suite("Service Bus attempt source", .timeLimit(.minutes(1)))
struct ServiceBusAttemptSourceTests {
    struct Broken: Error {}

    @Test("a published job is claimed, run and completed, then its message is completed")
    func publishedJobRuns() async throws {
        try await BrokerHarness.run { broker in
            let handler = ClosureHandler(kind: "ok")
            let id = try await broker.publish(kind: "ok")
            try await broker.withWorker(handlers: [handler]) {
                let completed = try await eventually {
                    try await broker.driver.job(id: id)?.state == .completed
                }
                #expect(completed)
                let messageCompleted = try await eventually { broker.activeMessages == 0 }
                #expect(messageCompleted)
            }
            #expect(handler.runs.count == 1)
        }
    }

    @Test("a message for a completed, unknown or stale job, or with a foreign body, is completed and skipped")
    func unclaimableMessagesAreSkipped() async throws {
        try await BrokerHarness.run { broker in
            let handler = ClosureHandler(kind: "ok")
            let done = try await broker.driver.enqueue(
                JobRequest(queue: BrokerHarness.queue, kind: "ok", payload: Data())
            ).job.id
            let claimed = try #require(
                try await broker.driver.claimJob(
                    id: done, attempt: 0, owner: "other", leaseDuration: .seconds(30)))
            try await broker.driver.complete(try #require(claimed.lease))
            let later = try await broker.driver.enqueue(
                JobRequest(queue: BrokerHarness.queue, kind: "ok", payload: Data(), runAt: Date() + 3600)
            ).job.id
            try await broker.send(JobMessage(jobID: done, attempt: 0, kind: "ok"))
            try await broker.send(JobMessage(jobID: "no-such-job", attempt: 0, kind: "ok"))
            try await broker.send(JobMessage(jobID: later, attempt: 5, kind: "ok"))
            try await broker.client.send(
                ServiceBusMessage(body: Data("not a job".utf8)), to: BrokerHarness.queue)
            try await broker.withWorker(handlers: [handler]) {
                let allSettled = try await eventually { broker.activeMessages == 0 }
                #expect(allSettled)
            }
            #expect(handler.runs.count == 0)
            #expect(try await broker.driver.job(id: done)?.state == .completed)
            #expect(try await broker.driver.job(id: later)?.state == .scheduled)
            #expect(try await broker.driver.job(id: later)?.attempt == 0)
        }
    }

    @Test("a backlog of messages whose jobs are done is drained, not a round of receives per wait")
    func backlogOfSkippedMessages() async throws {
        try await BrokerHarness.run { broker in
            for _ in 0..<60 {
                let job = try await broker.driver.enqueue(
                    JobRequest(queue: BrokerHarness.queue, kind: "ok", payload: Data())
                ).job
                let claimed = try await broker.driver.claimJob(
                    id: job.id, attempt: 0, owner: "other", leaseDuration: .seconds(30))
                try await broker.driver.complete(try #require(claimed?.lease))
                try await broker.send(JobMessage(jobID: job.id, attempt: 0, kind: "ok"))
            }
            let source = broker.source(
                options: .init(receivers: 4, receiveWait: .seconds(5), handOffWait: .seconds(5)))
            try await broker.withWorker(source: source, handlers: [ClosureHandler(kind: "ok")]) {
                // 60 messages, 4 at a time: a few seconds, even on a busy machine; 15 rounds that each
                // wait for the 5 s hand-off wait or long poll would take 75 s.
                let drained = try await eventually(timeout: .seconds(25)) { broker.activeMessages == 0 }
                #expect(drained, "\(broker.activeMessages) messages left")
            }
        }
    }

    @Test("a failed attempt is recorded in the database and its message completed")
    func failedAttempt() async throws {
        try await BrokerHarness.run { broker in
            let handler = ClosureHandler(kind: "broken") { _ in throw Broken() }
            let id = try await broker.publish(kind: "broken")
            try await broker.withWorker(handlers: [handler]) {
                let scheduled = try await eventually {
                    try await broker.driver.job(id: id)?.state == .scheduled
                }
                #expect(scheduled)
                let messageCompleted = try await eventually { broker.activeMessages == 0 }
                #expect(messageCompleted)
            }
            let job = try #require(try await broker.driver.job(id: id))
            #expect(job.attempt == 1)
            #expect(job.errors.count == 1)
            #expect(handler.runs.count == 1)
        }
    }

    @Test("a job that outlasts its message's lock and its lease keeps both, and runs once")
    func longJobKeepsLockAndLease() async throws {
        try await BrokerHarness.run(lockDuration: .seconds(9)) { broker in
            let running = Counter()
            let finish = Counter()
            let handler = ClosureHandler(kind: "slow") { _ in
                running.increment()
                while finish.count == 0 { try await Task.sleep(for: .milliseconds(20)) }
            }
            let id = try await broker.publish(kind: "slow")
            // Renewals every three seconds (a third of the lease) leave six seconds of slack: full
            // parallel test runs on two cores have stalled a renewal past two seconds, and once past
            // four.
            try await broker.withWorker(handlers: [handler], leaseDuration: .seconds(9)) {
                let started = try await eventually { running.count > 0 }
                #expect(started)
                // Two lock durations and leases later, the message is still held by this attempt:
                // had its lock expired, the message would have come back and been skipped.
                try await Task.sleep(for: .seconds(18))
                #expect(broker.activeMessages == 1)
                #expect(try await broker.driver.job(id: id)?.state == .running)
                finish.increment()
                let completed = try await eventually {
                    try await broker.driver.job(id: id)?.state == .completed
                }
                #expect(completed)
                let messageCompleted = try await eventually { broker.activeMessages == 0 }
                #expect(messageCompleted)
            }
            #expect(handler.runs.count == 1)
            #expect(try await broker.driver.job(id: id)?.attempt == 1)
        }
    }

    @Test("a broker that fails every receive is asked again after a growing wait, and used once it is back")
    func backsOffWhileTheBrokerFails() async throws {
        try await BrokerHarness.run { broker in
            let handler = ClosureHandler(kind: "ok")
            broker.emulator.faults.inject(.failing(status: 500, retryAfterSeconds: 0), for: .seconds(600))
            let source = broker.source(
                options: .init(receivers: 4, receiveWait: .seconds(1), retryDelay: .milliseconds(250)))
            try await broker.withWorker(source: source, handlers: [handler]) {
                let before = broker.tokens.requests.count
                try await Task.sleep(for: .seconds(2))
                // 4 receives per round; rounds 0.25, 0.5, 1 s apart: 4 rounds at most in 2 s, where
                // the worker's 50 ms poll would make 40.
                #expect(broker.tokens.requests.count - before <= 16)
                broker.emulator.faults.clear()
                let id = try await broker.publish(kind: "ok")
                let completed = try await eventually {
                    try await broker.driver.job(id: id)?.state == .completed
                }
                #expect(completed)
            }
        }
    }

    @Test("a graceful shutdown does not wait out the worker's call for attempts")
    func gracefulShutdownEndsTheWait() async throws {
        try await BrokerHarness.run { broker in
            let source = broker.source(options: .init(receiveWait: .seconds(1), handOffWait: .seconds(60)))
            let started = ContinuousClock.now
            try await broker.withWorker(source: source, handlers: [ClosureHandler(kind: "ok")]) {
                let receiving = try await eventually { broker.tokens.requests.count > 0 }
                #expect(receiving)
            }
            // The receives in flight end within their long poll; the worker's call ends at once.
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }

    @Test("cancelling the worker and its source ends them at once, long polls and all")
    func cancellationEndsIt() async throws {
        try await BrokerHarness.run { broker in
            let source = broker.source(options: .init(receiveWait: .seconds(50)))
            let started = ContinuousClock.now
            let task = Task {
                try await broker.withWorker(source: source, handlers: [ClosureHandler(kind: "ok")]) {
                    try await Task.sleep(for: .seconds(50))
                }
            }
            let receiving = try await eventually { broker.tokens.requests.count > 0 }
            #expect(receiving)
            task.cancel()
            _ = await task.result
            #expect(ContinuousClock.now - started < .seconds(20))
        }
    }
}
