import Foundation
import NIOHTTP1

extension ServiceBusClient {
    /// The queue's message counts and settings (needs a key with the Manage right).
    ///
    /// - Throws: `ServiceBusError.notFound` when the queue does not exist.
    public func queueRuntimeProperties(_ queue: String) async throws -> ServiceBusQueueRuntimeProperties {
        guard let properties = try await queueDescription(queue) else {
            throw ServiceBusError.notFound(entity: queue)
        }
        return properties
    }

    /// Creates the queue unless it exists; true when this call created it. A queue that exists is
    /// left as it is, whatever its settings.
    @discardableResult
    public func createQueueIfMissing(_ queue: String, options queueOptions: ServiceBusQueueOptions = .init())
        async throws
        -> Bool
    {
        guard try await queueDescription(queue) == nil else { return false }
        let headers = HTTPHeaders([("Content-Type", "application/atom+xml;type=entry;charset=utf-8")])
        let response = try await perform(
            .PUT, entity: queue, path: "", query: "api-version=\(options.apiVersion)", headers: headers,
            body: Data(queueOptions.atomEntry.utf8), expecting: [200, 201, 409])
        return response.status != 409
    }

    /// The queue's description, nil when the broker says it does not exist (404, or a feed without an entry).
    private func queueDescription(_ queue: String) async throws -> ServiceBusQueueRuntimeProperties? {
        let response = try await perform(
            .GET, entity: queue, path: "", query: "api-version=\(options.apiVersion)", body: nil,
            expecting: [200, 404])
        guard response.status == 200 else { return nil }
        return try QueueDescriptionParser.parse(response.body, name: queue)
    }
}
