import AzureServiceBus
import Foundation
import JobQueue
import Logging
import ServiceBusEmulator
import ServiceBusQueue

/// An emulator on a free port, a client of it, and relays over one outbox, run while a test's body
/// runs and cancelled afterwards.
struct RelayHarness {
    static let queues = ["scoring-jobs", "report-jobs"]

    let emulator = ServiceBusEmulator(configuration: .init(queues: queues))

    static var quiet: Logger {
        var logger = Logger(label: "relay-test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs `relays` relays on `outbox` with `circuit`, and `body` with the emulator's client.
    func run(
        outbox: any JobOutbox, notifier: JobNotifier, circuit: PublishCircuit = PublishCircuit(),
        options: OutboxRelay.Options = .init(pollInterval: .milliseconds(50)), relays: Int = 1,
        _ body: (ServiceBusClient) async throws -> Void
    ) async throws {
        try await emulator.withRunningServer { port in
            let client = ServiceBusClient(
                connection: try ServiceBusConnectionString(parsing: emulator.connectionString(port: port)))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<relays {
                    let relay = OutboxRelay(
                        outbox: outbox, sender: client, queues: Self.queues, circuit: circuit,
                        notifier: notifier,
                        options: options, logger: Self.quiet)
                    group.addTask { try await relay.run() }
                }
                defer { group.cancelAll() }
                try await body(client)
            }
        }
    }

    /// Receives and completes every message on `queue` until none comes within a second.
    func drain(_ queue: String, client: ServiceBusClient) async throws -> [ServiceBusReceivedMessage] {
        var received: [ServiceBusReceivedMessage] = []
        while let message = try await client.receive(from: queue, timeout: .seconds(1)) {
            received.append(message)
            try await client.complete(message)
        }
        return received
    }
}
