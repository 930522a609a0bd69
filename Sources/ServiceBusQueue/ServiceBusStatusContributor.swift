import AzureServiceBus
import Foundation
import JobQueue

/// The Service Bus section of the queue status: per queue, the broker's message counts, the
/// outbox's jobs not yet published, and the publishing circuit's state and since when.
///
/// The broker's counts come from the management API, which needs a key with the Manage right.
/// When the broker cannot be asked (no Manage right, the broker away), the section says so and why,
/// and holds no broker counts: never zeros that read as an empty queue. The outbox's count comes
/// from the database and is there either way. The circuit is this process's, so only a process
/// that publishes (`serve`, `worker`) shows it.
///
/// ```json
/// "service_bus": {"active_messages": 3, "dead_letter_messages": 0, "scheduled_messages": 1, "unpublished": 0,
///                 "circuit": "closed", "circuit_since": "2026-11-30T03:10:00Z"}
/// ```
public struct ServiceBusStatusContributor: QueueStatusContributor {
    public let section = "service_bus"
    private let client: ServiceBusClient
    private let outbox: any JobOutbox
    private let circuit: PublishCircuit?

    /// A contributor that asks the broker with `client` (give it a short request timeout: the status
    /// waits for it), counts unpublished jobs in `outbox`, and shows `circuit`'s state when given.
    public init(client: ServiceBusClient, outbox: any JobOutbox, circuit: PublishCircuit? = nil) {
        self.client = client
        self.outbox = outbox
        self.circuit = circuit
    }

    public func statusExtras(queues: [String]) async throws -> [String: QueueStatusExtra] {
        let unpublished = try await outbox.unpublishedCounts(queues: queues)
        let broker = await brokerCounts(queues: queues)
        var states: [String: String] = [:]
        if let circuit = circuit?.state {
            states["circuit"] = circuit.phase.rawValue
            states["circuit_since"] = circuit.since.formatted(.iso8601)
        }
        var extras: [String: QueueStatusExtra] = [:]
        for queue in queues {
            var extra = QueueStatusExtra(counts: ["unpublished": unpublished[queue] ?? 0], states: states)
            switch broker[queue] {
            case .success(let properties)?:
                extra.counts["active_messages"] = properties.activeMessageCount
                extra.counts["dead_letter_messages"] = properties.deadLetterMessageCount
                extra.counts["scheduled_messages"] = properties.scheduledMessageCount
            case .failure(let error)?:
                extra.unavailable = "the broker's counts are unavailable: \(error)"
            case nil:
                extra.unavailable = "the broker's counts are unavailable"
            }
            extras[queue] = extra
        }
        return extras
    }

    /// Each queue's runtime properties, or why they could not be read, asked all at once.
    private func brokerCounts(queues: [String]) async
        -> [String: Result<ServiceBusQueueRuntimeProperties, any Error>]
    {
        await withTaskGroup(of: (String, Result<ServiceBusQueueRuntimeProperties, any Error>).self) { group in
            for queue in queues {
                group.addTask {
                    // Bound first: Swift 6.3.1's optimizer loses a child's result written as
                    // `return (queue, .success(try await …))` inside `do` (release builds crashed).
                    let result: Result<ServiceBusQueueRuntimeProperties, any Error>
                    do {
                        result = .success(try await client.queueRuntimeProperties(queue))
                    } catch {
                        result = .failure(error)
                    }
                    return (queue, result)
                }
            }
            var results: [String: Result<ServiceBusQueueRuntimeProperties, any Error>] = [:]
            for await (queue, result) in group { results[queue] = result }
            return results
        }
    }
}
