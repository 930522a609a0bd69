import ArgumentParser
import AssayServer
import AssayStore
import JobQueue
import Logging
import ServiceLifecycle
import UnixSignals

/// `assay worker`: runs jobs from the queues, as a process of its own.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run jobs from the queues (no HTTP).")

    @OptionGroup var shared: SharedOptions

    @Option(help: "Comma-separated queues to serve (default: the scoring and report queues).")
    var queues: String?

    @Option(
        help:
            "Jobs run at once per queue (with SCORER=llm, at most LLM_MAX_CONCURRENCY: jobs wait unclaimed for a model slot)."
    )
    var concurrency: Int = 256

    @Option(help: "Seconds running jobs get to finish after SIGTERM or SIGINT.")
    var graceSeconds: Int = 20

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard graceSeconds >= 0 else { throw ValidationError("--grace-seconds must be 0 or more") }
    }

    func run() async throws {
        let configuration = try shared.configuration()
        let logger = Logger(label: "assay")
        let queueList = queues.map { $0.split(separator: ",").map(String.init) } ?? configuration.queues
        guard queueList.allSatisfy(configuration.queues.contains) else {
            throw CommandFailure("--queues takes \(configuration.queues.joined(separator: ", "))")
        }
        let store = try await AssayApplication.openStore(configuration: configuration, logger: logger)
        var services = AssayApplication.storeServices(configuration: configuration, store: store)
        var source: (any JobAttemptSource)?
        // In Service Bus mode the worker runs the broker's deliveries, and publishes the outbox too.
        if let serviceBus = try AssayApplication.serviceBusRuntime(configuration: configuration, store: store)
        {
            await serviceBus.createMissingQueues(logger: logger)
            let receiver = serviceBus.attemptSource(driver: store.jobs, queues: queueList, logger: logger)
            services += [
                serviceBus.relay(queues: configuration.queues, notifier: store.jobs.notifier, logger: logger),
                serviceBus.deadLetterReconciler(queues: configuration.queues, logger: logger),
                receiver,
            ]
            source = receiver
        }
        services.append(
            AssayApplication.worker(
                configuration: configuration, store: store, concurrency: concurrency, queues: queueList,
                source: source, gracePeriod: .seconds(graceSeconds), logger: logger))
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
