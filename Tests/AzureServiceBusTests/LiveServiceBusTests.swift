import AzureServiceBus
import Foundation
import Testing

/// The client against a real namespace; runs only when AZURE_SERVICE_BUS_CONNECTION_STRING is set
/// (a key with Manage, Send and Listen). It uses the queue `assay-live-test`, created when missing.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["AZURE_SERVICE_BUS_CONNECTION_STRING"] != nil,
        "skipped: set AZURE_SERVICE_BUS_CONNECTION_STRING to run the client against a real namespace"),
    .timeLimit(.minutes(2)))
struct LiveServiceBusTests {
    @Test func sendReceiveCompleteAndCountOnARealNamespace() async throws {
        let text = try #require(ProcessInfo.processInfo.environment["AZURE_SERVICE_BUS_CONNECTION_STRING"])
        let client = ServiceBusClient(connection: try ServiceBusConnectionString(parsing: text))
        let queue = "assay-live-test"
        try await client.createQueueIfMissing(
            queue, options: .init(maxDeliveryCount: 3, lockDuration: .seconds(30)))
        let id = UUID().uuidString
        try await client.send(
            ServiceBusMessage(
                body: Data("live".utf8), properties: .init(messageId: id), userProperties: ["probe": "1"]),
            to: queue)
        var found: ServiceBusReceivedMessage?
        for _ in 0..<20 where found == nil {
            guard let message = try await client.receive(from: queue, timeout: .seconds(5)) else { continue }
            try await client.complete(message)
            if message.messageId == id { found = message }
        }
        let message = try #require(found)
        #expect(message.body == Data("live".utf8))
        #expect(message.userProperties["probe"] == "1")
        _ = try await client.queueRuntimeProperties(queue)
    }
}
