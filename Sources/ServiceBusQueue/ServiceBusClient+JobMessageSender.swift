import AzureServiceBus

extension ServiceBusClient: JobMessageSender {
    /// Reads the queue's runtime properties. A key without the Manage right is refused, and a
    /// missing queue is not found: either way the broker answered.
    public func probe(queue: String) async throws {
        do {
            _ = try await queueRuntimeProperties(queue)
        } catch let error as ServiceBusError {
            switch error {
            case .unauthorized, .forbidden, .notFound: return
            default: throw error
            }
        }
    }
}
