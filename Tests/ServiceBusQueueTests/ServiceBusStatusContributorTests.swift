import AzureServiceBus
import Foundation
import JobQueue
import ServiceBusEmulator
import ServiceBusQueue
import Testing

/// The Service Bus section of the queue status, against the emulator: the broker's real counts
/// beside the outbox's, and a reason, never zeros, when the broker cannot be asked.
@Suite("Service Bus queue status", .timeLimit(.minutes(1)))
struct ServiceBusStatusContributorTests {
    static let manager = EmulatorKey(name: "RootManageSharedAccessKey", key: "manage-key")
    static let sender = EmulatorKey(name: "sender", key: "send-key", rights: [.send, .listen])
    static let queues = ["scoring-jobs", "report-jobs"]
    let emulator = ServiceBusEmulator(
        configuration: .init(keys: [Self.manager, Self.sender], queues: Self.queues, maxDeliveryCount: 1))
    let outbox = FixedOutbox(unpublished: ["scoring-jobs": 2])

    func extras(
        key: EmulatorKey = Self.manager, circuit: PublishCircuit? = nil,
        _ prepare: (ServiceBusClient) async throws -> Void = { _ in }
    )
        async throws -> [String: QueueStatusExtra]
    {
        try await emulator.withRunningServer { port in
            let connection = try ServiceBusConnectionString(
                parsing: emulator.connectionString(port: port, key: key))
            let client = ServiceBusClient(
                connection: connection, options: .init(requestTimeout: .seconds(20)))
            try await prepare(client)
            return try await ServiceBusStatusContributor(client: client, outbox: outbox, circuit: circuit)
                .statusExtras(queues: Self.queues)
        }
    }

    @Test(
        "each queue shows the broker's active, scheduled and dead-lettered messages and the unpublished jobs")
    func counts() async throws {
        let extras = try await extras { client in
            let message = ServiceBusMessage(body: Data("x".utf8))
            try await client.send(batch: [message, message], to: "scoring-jobs")
            try await client.send(
                ServiceBusMessage(
                    body: Data("x".utf8), properties: .init(scheduledEnqueueTime: Date() + 3600)),
                to: "scoring-jobs")
            try await client.send(message, to: "report-jobs")
            let received = try #require(try await client.receive(from: "report-jobs", timeout: .seconds(1)))
            try await client.abandon(received)
        }
        #expect(
            extras["scoring-jobs"]
                == QueueStatusExtra(counts: [
                    "active_messages": 2, "scheduled_messages": 1, "dead_letter_messages": 0,
                    "unpublished": 2,
                ]))
        #expect(
            extras["report-jobs"]
                == QueueStatusExtra(counts: [
                    "active_messages": 0, "scheduled_messages": 0, "dead_letter_messages": 1,
                    "unpublished": 0,
                ]))
    }

    @Test("a key without the Manage right shows why the broker's counts are missing, and no zeros")
    func withoutManage() async throws {
        let extras = try await extras(key: Self.sender)
        for queue in Self.queues {
            let extra = try #require(extras[queue])
            #expect(extra.counts.keys.sorted() == ["unpublished"])
            #expect(extra.unavailable?.contains("403") == true)
            #expect(extra.unavailable?.contains("Manage") == true)
        }
        #expect(extras["scoring-jobs"]?.counts["unpublished"] == 2)
    }

    @Test("the publishing circuit's state and since when appear beside the counts")
    func circuitState() async throws {
        let failedAt = Date(timeIntervalSince1970: 1_800_000_000)
        let circuit = PublishCircuit(now: { failedAt })
        circuit.recordFailure(ServiceBusError.server(entity: "scoring-jobs", status: 500))
        let opened = try await extras(circuit: circuit)
        for queue in Self.queues {
            #expect(opened[queue]?.states == ["circuit": "open", "circuit_since": "2027-01-15T08:00:00Z"])
        }
        let closed = try await extras(circuit: PublishCircuit())
        #expect(closed["scoring-jobs"]?.states["circuit"] == "closed")
    }

    @Test("a broker that is away shows why its counts are missing, and no zeros")
    func brokerAway() async throws {
        let extras = try await extras { _ in
            emulator.faults.inject(.failing(status: 503, retryAfterSeconds: 1), for: .seconds(60))
        }
        for queue in Self.queues {
            let extra = try #require(extras[queue])
            #expect(extra.counts.keys.sorted() == ["unpublished"])
            #expect(extra.unavailable?.contains("503") == true)
        }
    }
}
