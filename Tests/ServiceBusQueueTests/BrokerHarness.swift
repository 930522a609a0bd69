import AzureServiceBus
import Foundation
import JobQueue
import Logging
import ServiceBusEmulator
import ServiceBusQueue
import ServiceLifecycle
import Synchronization

/// A handler whose work is a closure, counting the attempts it ran.
struct ClosureHandler: JobHandler {
    let kind: String
    let runs = Counter()
    let body: @Sendable (Job) async throws -> Void

    init(kind: String, body: @escaping @Sendable (Job) async throws -> Void = { _ in }) {
        self.kind = kind
        self.body = body
    }

    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome {
        runs.increment()
        try await body(job)
        return .finished
    }
}

/// A count shared between tasks.
final class Counter: Sendable {
    private let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
    func increment() { value.withLock { $0 += 1 } }
}

/// Signs requests with the connection string's key and counts them.
struct CountingTokenProvider: ServiceBusTokenProvider {
    let inner: SharedAccessSignatureProvider
    let requests = Counter()

    func authorization(for resource: String) async throws(ServiceBusError) -> String {
        requests.increment()
        return try inner.authorization(for: resource)
    }
}

/// An emulator on a free port with the `jobs` queue, a client of it, and a memory driver.
struct BrokerHarness {
    static let queue = "jobs"
    let emulator: ServiceBusEmulator
    let client: ServiceBusClient
    let driver: MemoryJobDriver
    let tokens: CountingTokenProvider

    /// Runs `body` with the emulator serving; its queue's locks last `lockDuration`, and a message
    /// delivered `maxDeliveryCount` times moves to its dead-letter subqueue.
    static func run(
        lockDuration: Duration = .seconds(60), maxDeliveryCount: Int = 10,
        _ body: (BrokerHarness) async throws -> Void
    ) async throws {
        let emulator = ServiceBusEmulator(
            configuration: .init(
                queues: [queue], lockDuration: lockDuration, maxDeliveryCount: maxDeliveryCount))
        try await emulator.withRunningServer { port in
            let connection = try ServiceBusConnectionString(parsing: emulator.connectionString(port: port))
            let tokens = CountingTokenProvider(inner: SharedAccessSignatureProvider(connection: connection))
            let client = ServiceBusClient(
                connection: connection, tokenProvider: tokens, options: .init(receiveGrace: .seconds(2)))
            try await body(
                BrokerHarness(emulator: emulator, client: client, driver: MemoryJobDriver(), tokens: tokens))
        }
    }

    /// Stores a job and sends its message, as the relay would.
    func publish(kind: String, maxAttempts: Int = 4) async throws -> String {
        let job = try await driver.enqueue(
            JobRequest(queue: Self.queue, kind: kind, payload: Data(), maxAttempts: maxAttempts)
        ).job
        try await send(JobMessage(jobID: job.id, attempt: job.attempt, kind: kind))
        return job.id
    }

    func send(_ message: JobMessage) async throws {
        try await client.send(
            ServiceBusMessage(body: message.encoded(), properties: .init(messageId: message.messageID)),
            to: Self.queue)
    }

    /// Messages on the queue, locked ones included.
    var activeMessages: Int { emulator.namespace.counts(of: Self.queue)?.active ?? -1 }

    func source(
        options: ServiceBusAttemptSource.Options = .init(receiveWait: .seconds(1), handOffWait: .seconds(1))
    )
        -> ServiceBusAttemptSource
    {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return ServiceBusAttemptSource(
            client: client, driver: driver, queues: [Self.queue], options: options, logger: logger)
    }

    /// Runs a worker on `source` beside it in a service group while `body` runs, then shuts both
    /// down gracefully.
    func withWorker(
        source: ServiceBusAttemptSource? = nil, handlers: [any JobHandler],
        leaseDuration: Duration = .seconds(30), _ body: () async throws -> Void
    ) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let source = source ?? self.source()
        let worker = JobWorker(
            driver: driver, source: source, handlers: handlers,
            options: JobWorkerOptions(
                queues: [Self.queue], concurrency: 4, leaseDuration: leaseDuration,
                pollInterval: .milliseconds(50), gracePeriod: .seconds(5),
                retryPolicy: RetryPolicy(maxRetries: 3, base: .seconds(60), maximum: .seconds(60))),
            logger: logger)
        let group = ServiceGroup(services: [source, worker], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                try await body()
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
