import AzureServiceBus
import Foundation
import ServiceBusEmulator
import Testing

/// The client against the emulator: send, batch send, peek-lock, settle, dead letters.
@Suite(.timeLimit(.minutes(1)))
struct ClientMessagingTests {
    let emulator = ServiceBusEmulator(configuration: .init(queues: ["jobs"], maxDeliveryCount: 2))

    @Test func sentMessageIsReceivedWithItsPropertiesAndCompleted() async throws {
        try await emulator.withClient { client in
            let message = ServiceBusMessage(
                body: Data(#"{"job_id":"j1"}"#.utf8),
                properties: .init(messageId: "j1", correlationId: "s1", label: "scoring"),
                userProperties: ["kind": "scoring", "attempt": "1"])
            try await client.send(message, to: "jobs")
            let received = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
            #expect(received.body == message.body)
            #expect(received.messageId == "j1")
            #expect(received.properties.correlationId == "s1")
            #expect(received.properties.label == "scoring")
            #expect(received.deliveryCount == 1)
            #expect(received.lockToken != nil)
            #expect(received.lockedUntil != nil)
            #expect(received.userProperties["kind"] == "scoring")
            #expect(received.userProperties["attempt"] == "1")
            try await client.complete(received)
            #expect(try await client.receive(from: "jobs", timeout: .seconds(1)) == nil)
        }
    }

    @Test func emptyQueueGivesNilAfterTheWait() async throws {
        try await emulator.withClient { client in
            let received = try await client.receive(from: "jobs", timeout: .seconds(1))
            #expect(received == nil)
        }
    }

    @Test func receiveWaitLongerThanTheRequestTimeoutStillGetsTheEmptyAnswer() async throws {
        try await emulator.withClient(options: .init(requestTimeout: .milliseconds(300))) { client in
            let received = try await client.receive(from: "jobs", timeout: .seconds(2))
            #expect(received == nil)
        }
    }

    @Test func sendsAndSettlementsDoNotWaitBehindManyWaitingReceives() async throws {
        // Each waiting receive holds a connection for the broker's whole wait: 24 of them, more
        // than AsyncHTTPClient's shared client opens per host (8), while a send and a settlement
        // must still go through within their 3 s deadline.
        let emulator = ServiceBusEmulator(configuration: .init(queues: ["jobs", "idle"]))
        try await emulator.withClient(options: .init(requestTimeout: .seconds(3))) { client in
            try await withThrowingTaskGroup(of: Void.self) { receivers in
                for _ in 0..<24 {
                    receivers.addTask { _ = try await client.receive(from: "idle", timeout: .seconds(20)) }
                }
                try await Task.sleep(for: .milliseconds(500))
                try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")
                let received = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
                try await client.complete(received)
                receivers.cancelAll()
            }
        }
    }

    @Test func batchIsSentInOneRequestWithScheduledTimes() async throws {
        try await emulator.withClient { client in
            let later = emulator.clock.now().addingTimeInterval(300)
            let batch = [
                ServiceBusMessage(
                    body: Data("now".utf8), properties: .init(messageId: "a"), userProperties: ["n": "1"]),
                ServiceBusMessage(
                    body: Data("later".utf8), properties: .init(messageId: "b", scheduledEnqueueTime: later)),
            ]
            try await client.send(batch: batch, to: "jobs")
            let counts = try await client.queueRuntimeProperties("jobs")
            #expect(counts.activeMessageCount == 1)
            #expect(counts.scheduledMessageCount == 1)
            let first = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
            #expect(first.messageId == "a")
            #expect(first.userProperties["n"] == "1")
            try await client.complete(first)
            #expect(try await client.receive(from: "jobs", timeout: .seconds(1)) == nil)
            emulator.clock.advance(by: .seconds(301))
            let second = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
            #expect(second.messageId == "b")
            #expect(
                second.properties.scheduledEnqueueTime.map { abs($0.timeIntervalSince(later)) < 1 } == true)
        }
    }

    @Test func batchWithABinaryBodyIsRefusedBeforeAnythingIsSent() async throws {
        try await emulator.withClient { client in
            let binary = ServiceBusMessage(body: Data([0xFF, 0xFE, 0x00]))
            let error = await #expect(throws: ServiceBusError.self) {
                try await client.send(batch: [ServiceBusMessage(body: Data("ok".utf8)), binary], to: "jobs")
            }
            guard case .invalidMessage(let reason) = error else {
                Issue.record("expected invalidMessage, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("message 1"))
            let properties = try await client.queueRuntimeProperties("jobs")
            #expect(properties.activeMessageCount == 0)
        }
    }

    @Test func userPropertyThatCannotBeAHeaderIsRefused() async throws {
        try await emulator.withClient { client in
            let message = ServiceBusMessage(body: Data("x".utf8), userProperties: ["Content-Type": "x"])
            let error = await #expect(throws: ServiceBusError.self) {
                try await client.send(message, to: "jobs")
            }
            guard case .invalidMessage = error else {
                Issue.record("expected invalidMessage, got \(String(describing: error))")
                return
            }
        }
    }

    @Test func abandonedMessageComesBackAtOnceWithItsDeliveryCountRaised() async throws {
        try await emulator.withClient { client in
            try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")
            let first = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
            try await client.abandon(first)
            let second = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
            #expect(second.deliveryCount == 2)
            try await client.complete(second)
        }
    }

    @Test func renewedLockOutlivesTheFirstLockDuration() async throws {
        try await emulator.withClient { client in
            try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")
            let message = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
            emulator.clock.advance(by: .seconds(45))
            try await client.renewLock(message)
            emulator.clock.advance(by: .seconds(45))
            try await client.complete(message)
        }
    }

    @Test func messageDeliveredMaxDeliveryCountTimesIsReceivedFromTheDeadLetterQueue() async throws {
        try await emulator.withClient { client in
            try await client.send(
                ServiceBusMessage(body: Data("poison".utf8), properties: .init(messageId: "p")), to: "jobs")
            for _ in 1...2 {
                try await client.abandon(
                    try #require(try await client.receive(from: "jobs", timeout: .seconds(1))))
            }
            #expect(try await client.receive(from: "jobs", timeout: .seconds(1)) == nil)
            #expect(try await client.queueRuntimeProperties("jobs").deadLetterMessageCount == 1)
            let dead = try #require(try await client.receive(fromDeadLetterOf: "jobs", timeout: .seconds(1)))
            #expect(dead.messageId == "p")
            #expect(dead.entity == "jobs/$DeadLetterQueue")
            #expect(dead.userProperties["deadletterreason"] == "MaxDeliveryCountExceeded")
            #expect(
                dead.userProperties["deadlettererrordescription"]
                    == "Message could not be consumed after 2 delivery attempts.")
            try await client.complete(dead)
            #expect(try await client.queueRuntimeProperties("jobs").deadLetterMessageCount == 0)
        }
    }
}
