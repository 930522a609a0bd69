import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A test double of Azure Service Bus's REST API, written from Microsoft's documentation: peek-lock
/// with lock expiry and delivery counts, MaxDeliveryCount moving messages to `$DeadLetterQueue`,
/// scheduled messages, SAS checks, the management API's Atom queue descriptions, and injected
/// faults. Messages live in memory. It is for tests and local development, never a broker.
///
/// ```swift
/// let emulator = ServiceBusEmulator(configuration: .init(queues: ["scoring-jobs"]))
/// try await emulator.withRunningServer { port in
///     let connection = emulator.connectionString(port: port)
///     emulator.faults.inject(.failing(status: 503, retryAfterSeconds: 2), for: .seconds(5))
///     emulator.clock.advance(by: .seconds(61))
/// }
/// ```
public final class ServiceBusEmulator: Sendable {
    public let configuration: EmulatorConfiguration
    public let clock: EmulatorClock
    public let faults: EmulatorFaults
    public let namespace: EmulatedNamespace
    private let listeningPort = Mutex<Int?>(nil)

    public init(configuration: EmulatorConfiguration = .init()) {
        self.configuration = configuration
        clock = EmulatorClock()
        faults = EmulatorFaults(clock: clock)
        namespace = EmulatedNamespace(clock: clock)
        for queue in configuration.queues {
            namespace.createQueue(
                queue, lockDuration: configuration.lockDuration,
                maxDeliveryCount: configuration.maxDeliveryCount)
        }
    }

    /// The line to print at start: what this is, and what it is not.
    public static let testDoubleNotice =
        "assay-servicebus-emulator is a test double of Azure Service Bus's REST API for tests and local "
        + "development, not a broker: messages live in memory and are gone when it stops."

    /// `http://HOST:PORT` once the server listens.
    public var baseURL: String {
        "http://\(configuration.host):\(listeningPort.withLock { $0 } ?? configuration.port)"
    }

    /// A connection string for the first key, with `UseDevelopmentEmulator=true`.
    public func connectionString(port: Int) -> String {
        let key = configuration.keys.first ?? EmulatorKey(name: "", key: "")
        return connectionString(port: port, key: key)
    }

    /// A connection string for `key`, with `UseDevelopmentEmulator=true`.
    public func connectionString(port: Int, key: EmulatorKey) -> String {
        "Endpoint=sb://\(configuration.host):\(port)/;SharedAccessKeyName=\(key.name);"
            + "SharedAccessKey=\(key.key);UseDevelopmentEmulator=true"
    }

    /// The Hummingbird application that serves the emulator; `onListening` gets the bound port.
    public func makeApplication(
        logger: Logger = Logger(label: "assay-servicebus-emulator"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            responder: EmulatorResponder(emulator: self),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "assay-servicebus-emulator"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                self.listeningPort.withLock { $0 = port }
                await onListening(port)
            },
            logger: logger)
    }

    /// Runs the server while `body` runs, with the bound port, and stops it afterwards: gracefully
    /// first (it stops accepting connections), then by cancellation for requests still held open
    /// (a hang fault, a long poll) after `lingering`. Its logger is quiet below critical, so the
    /// cancelled connections say nothing.
    public func withRunningServer<T: Sendable>(
        lingering: Duration = .seconds(1), _ body: (Int) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "assay-servicebus-emulator")
        logger.logLevel = .critical
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = makeApplication(logger: logger) { port in continuation.yield(port) }
        let services = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
            group.addTask {
                defer { continuation.finish() }
                try await services.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                _ = try await group.next()
                throw CancellationError()
            }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(port))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            group.addTask {
                try await Task.sleep(for: lingering)
                throw CancellationError()
            }
            _ = try? await group.next()
            group.cancelAll()
            return try result.get()
        }
    }
}
