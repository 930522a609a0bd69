import AzureServiceBus
import ServiceBusEmulator

extension ServiceBusEmulator {
    /// Runs `body` with a client of this emulator, served on a free port of 127.0.0.1.
    func withClient(
        key: EmulatorKey? = nil, options: ServiceBusClientOptions = .init(),
        _ body: (ServiceBusClient) async throws -> Void
    ) async throws {
        try await withRunningServer { port in
            let text = key.map { connectionString(port: port, key: $0) } ?? connectionString(port: port)
            let connection = try ServiceBusConnectionString(parsing: text)
            try await body(ServiceBusClient(connection: connection, options: options))
        }
    }
}
