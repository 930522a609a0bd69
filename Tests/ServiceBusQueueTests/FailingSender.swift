import AzureServiceBus
import ServiceBusQueue
import Synchronization

/// A sender whose every send fails, as a broker that is away does; it counts the sends.
final class FailingSender: JobMessageSender {
    private let count = Mutex(0)

    /// The sends tried so far.
    var sends: Int { count.withLock { $0 } }

    func send(batch messages: [ServiceBusMessage], to queue: String) async throws {
        count.withLock { $0 += 1 }
        throw ServiceBusError.server(entity: queue, status: 500)
    }

    func probe(queue: String) async throws {
        throw ServiceBusError.server(entity: queue, status: 500)
    }
}
