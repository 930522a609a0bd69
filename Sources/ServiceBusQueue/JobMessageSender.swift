import AzureServiceBus

/// Where a relay sends job messages: Service Bus's client, or a test's stand-in.
public protocol JobMessageSender: Sendable {
    /// Sends the messages to `queue` in one request; returns once the broker has stored them all,
    /// and throws when it stored none.
    func send(batch messages: [ServiceBusMessage], to queue: String) async throws

    /// Asks the broker about `queue` without sending anything: returns once it answered, even to
    /// refuse the question; throws when it did not answer (away, failing or too slow).
    func probe(queue: String) async throws
}
