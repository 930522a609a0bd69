import AzureServiceBus
import Foundation
import ServiceBusEmulator
import Testing

/// Queue runtime counts and creating missing queues.
@Suite(.timeLimit(.minutes(1)))
struct ClientManagementTests {
    let emulator = ServiceBusEmulator(configuration: .init(queues: ["jobs"], lockDuration: .seconds(60)))

    @Test func runtimePropertiesCountActiveScheduledAndDeadLetteredMessages() async throws {
        try await emulator.withClient { client in
            let later = emulator.clock.now().addingTimeInterval(600)
            try await client.send(ServiceBusMessage(body: Data("a".utf8)), to: "jobs")
            try await client.send(ServiceBusMessage(body: Data("b".utf8)), to: "jobs")
            try await client.send(
                ServiceBusMessage(body: Data("c".utf8), properties: .init(scheduledEnqueueTime: later)),
                to: "jobs")
            let properties = try await client.queueRuntimeProperties("jobs")
            #expect(properties.name == "jobs")
            #expect(properties.activeMessageCount == 2)
            #expect(properties.scheduledMessageCount == 1)
            #expect(properties.deadLetterMessageCount == 0)
            #expect(properties.totalMessageCount == 3)
            #expect(properties.sizeInBytes == 3)
            #expect(properties.maxDeliveryCount == 10)
            #expect(properties.lockDuration == "PT60S")
        }
    }

    @Test func missingQueueIsCreatedWithItsOptionsOnceAndLeftAloneAfter() async throws {
        try await emulator.withClient { client in
            let options = ServiceBusQueueOptions(maxDeliveryCount: 4, lockDuration: .seconds(30))
            #expect(try await client.createQueueIfMissing("report-jobs", options: options))
            let created = try await client.queueRuntimeProperties("report-jobs")
            #expect(created.maxDeliveryCount == 4)
            #expect(created.lockDuration == "PT30S")
            #expect(
                try await !client.createQueueIfMissing("report-jobs", options: .init(maxDeliveryCount: 9)))
            #expect(try await client.queueRuntimeProperties("report-jobs").maxDeliveryCount == 4)
            #expect(try await !client.createQueueIfMissing("jobs"))
        }
    }

    @Test func runtimePropertiesOfAMissingQueueIsNotFound() async throws {
        try await emulator.withClient { client in
            let error = await #expect(throws: ServiceBusError.self) {
                try await client.queueRuntimeProperties("nowhere")
            }
            guard case .notFound(let entity) = error else {
                Issue.record("expected notFound, got \(String(describing: error))")
                return
            }
            #expect(entity == "nowhere")
        }
    }
}
