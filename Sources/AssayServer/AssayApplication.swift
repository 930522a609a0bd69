import AssayCore
import AssayPipeline
import AssayStore
import Foundation
import Hummingbird
import HummingbirdCore
import JobQueue
import Logging
import NIOCore
import ServiceLifecycle

/// Assembles Assay from its configuration: the store, the HTTP application and the workers.
public enum AssayApplication {
    /// Opens the store named by the configuration, applying migrations. A database that refuses
    /// the connection, or does not answer within `DATABASE_WAIT_SECONDS`, and an SQLite file that
    /// cannot be created or opened, fail with a ``ConfigurationError`` naming `DATABASE_URL`.
    public static func openStore(configuration: AssayConfiguration, logger: Logger) async throws
        -> any AssayStore
    {
        switch configuration.database {
        case .sqlite(let path):
            do {
                return try await SQLiteStore.open(
                    path: path, maximumPendingWrites: configuration.maximumPendingWrites, logger: logger)
            } catch {
                throw ConfigurationError(
                    variable: "DATABASE_URL",
                    message: "cannot open the SQLite database at \(path): \(Self.reason(error))")
            }
        case .postgres(let url):
            do {
                return try await PostgresStore.open(
                    url: url, maximumPendingWrites: configuration.maximumPendingWrites,
                    startWait: configuration.databaseStartWait, logger: logger)
            } catch let error as StoreError {
                switch error {
                case .unavailable, .connectionRejected:
                    throw ConfigurationError(variable: "DATABASE_URL", message: error.description)
                default: throw error
                }
            }
        }
    }

    /// What went wrong, in words: SQLite's own message, or the file system's (its underlying
    /// POSIX error where Foundation wraps one).
    private static func reason(_ error: any Error) -> String {
        if let store = error as? StoreError { return store.description }
        let wrapped = error as NSError
        if let underlying = wrapped.userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(posix.code))) }
        }
        return "\(error)"
    }

    /// The services that keep an open store going while a group runs, to list before what uses
    /// the store: the store itself (closed last) and, on PostgreSQL unless turned off, the listener
    /// that wakes workers when another process enqueues.
    public static func storeServices(configuration: AssayConfiguration, store: any AssayStore)
        -> [any Service]
    {
        var services: [any Service] = [StoreService(store: store)]
        if configuration.listensForJobs, let store = store as? PostgresStore {
            services.append(store.notificationListener())
        }
        return services
    }

    /// The dependencies of routes and handlers for an open store; in Service Bus mode, with the
    /// broker's section of the queue status and the circuit the submit answer reports.
    public static func dependencies(
        configuration: AssayConfiguration, store: any AssayStore, adminToken: String,
        serviceBus: ServiceBusRuntime? = nil, handoff: ScoringHandoff? = nil
    ) -> AssayDependencies {
        AssayDependencies(
            store: store, scoringQueue: configuration.scoringQueue,
            reportQueue: configuration.reportQueue, retryPolicy: configuration.retryPolicy,
            adminToken: adminToken, queueMode: configuration.queueMode,
            backendName: configuration.database.backendName,
            statusContributors: serviceBus.map { [$0.statusContributor] } ?? [],
            metricsPublic: configuration.metricsPublic, publishCircuit: serviceBus?.circuit, handoff: handoff)
    }

    /// A worker for the configured queues with `concurrency` jobs at once per queue (with a model
    /// scorer, no more than its calls at once), running what `source` hands out (database claims by
    /// default) and what this process hands it with `handoff`.
    public static func worker(
        configuration: AssayConfiguration, store: any AssayStore, concurrency: Int,
        queues: [String]? = nil, source: (any JobAttemptSource)? = nil, handoff: ScoringHandoff? = nil,
        gracePeriod: Duration = .seconds(20), logger: Logger
    ) -> JobWorker {
        let pipeline = SubmissionPipeline(
            store: store, scorer: configuration.scorer, reportQueue: configuration.reportQueue,
            maxAttempts: configuration.retryPolicy.maxAttempts, handoff: handoff)
        let limit = configuration.scorer.jobConcurrencyLimit.map { min($0, concurrency) }
        let queueConcurrency = Dictionary(
            uniqueKeysWithValues: limit.map { limit in configuration.queues.map { ($0, limit) } } ?? [])
        let queues = queues ?? configuration.queues
        return JobWorker(
            driver: store.jobs, source: source, handoff: handoff?.jobs,
            handlers: pipeline.handlers(servingQueues: queues),
            options: JobWorkerOptions(
                queues: queues, concurrency: concurrency,
                leaseDuration: configuration.leaseDuration, pollInterval: configuration.pollInterval,
                gracePeriod: gracePeriod, retryPolicy: configuration.retryPolicy,
                completedRetention: configuration.completedRetention,
                unknownKindGrace: configuration.unknownKindGrace, queueConcurrency: queueConcurrency),
            logger: logger)
    }

    /// The `serve` application: HTTP API, and the embedded workers unless concurrency is 0. In
    /// Service Bus mode, a relay publishes the outbox and the embedded workers are the fallback:
    /// they take what stayed unpublished, or unreceived, past its window.
    public static func build(
        configuration: AssayConfiguration, gracePeriod: Duration = .seconds(20), logger: Logger
    ) async throws -> some ApplicationProtocol {
        let store = try await openStore(configuration: configuration, logger: logger)
        let adminToken = try AdminToken.resolve(
            configured: configuration.adminToken, dataDirectory: configuration.dataDirectory, logger: logger)
        let serviceBus = try serviceBusRuntime(configuration: configuration, store: store)
        await serviceBus?.createMissingQueues(logger: logger)
        let handoff = handoff(configuration: configuration, serviceBus: serviceBus)
        let dependencies = dependencies(
            configuration: configuration, store: store, adminToken: adminToken, serviceBus: serviceBus,
            handoff: handoff)
        var services = storeServices(configuration: configuration, store: store)
        if let serviceBus {
            services += [
                serviceBus.relay(queues: configuration.queues, notifier: store.jobs.notifier, logger: logger),
                serviceBus.deadLetterReconciler(queues: configuration.queues, logger: logger),
            ]
        }
        if configuration.workerConcurrency > 0 {
            services.append(
                worker(
                    configuration: configuration, store: store,
                    concurrency: configuration.workerConcurrency,
                    source: serviceBus.map {
                        DatabaseClaimSource(driver: store.jobs, overdueBy: $0.localOverdue)
                    },
                    handoff: handoff, gracePeriod: gracePeriod, logger: logger))
        }
        var application = Application(
            router: AssayRouter.build(dependencies: dependencies),
            server: httpServer(configuration: configuration),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "assay"),
            services: services,
            onServerRunning: { channel in
                logger.notice(
                    "assay listening",
                    metadata: ["address": .string("\(channel.localAddress.map { "\($0)" } ?? "?")")])
            },
            logger: logger)
        // Inside the group, with the store running, before the first request.
        application.beforeServerStarts {
            try await SampleAssessments.loadIfEmpty(
                into: store, directory: configuration.examplesDirectory, now: Date(), logger: logger)
        }
        return application
    }

    /// What hands the jobs `serve` stores to its embedded workers as it stores them: in database
    /// mode, when they run. In Service Bus mode the broker hands jobs out, and the embedded workers
    /// take only what it did not.
    public static func handoff(configuration: AssayConfiguration, serviceBus: ServiceBusRuntime?)
        -> ScoringHandoff?
    {
        serviceBus == nil && configuration.workerConcurrency > 0 ? ScoringHandoff() : nil
    }

    /// Service Bus mode's parts for `store`, or nil in another mode.
    public static func serviceBusRuntime(configuration: AssayConfiguration, store: any AssayStore)
        throws(ConfigurationError) -> ServiceBusRuntime?
    {
        guard configuration.queueBackend == .serviceBus else { return nil }
        return try ServiceBusRuntime(configuration: configuration, store: store)
    }

    /// HTTP/1.1 with the configured idle and request-read timeouts, so that a client sending half a
    /// head, or a body a byte at a time, cannot hold a connection for ever.
    public static func httpServer(configuration: AssayConfiguration) -> HTTPServerBuilder {
        let readTimeout = TimeAmount(configuration.httpReadTimeout)
        return .http1(
            configuration: HTTP1Channel.Configuration(
                additionalChannelHandlers: [RequestReadTimeoutHandler(timeout: readTimeout)],
                idleTimeout: TimeAmount(configuration.httpIdleTimeout)))
    }

    /// Per-queue counts from the database, with the sections `contributors` add.
    public static func queueStatistics(
        store: any AssayStore, queues: [String], contributors: [any QueueStatusContributor]
    ) async throws -> [String: QueueStatistics] {
        var statistics = try await store.jobs.statistics(queues: queues)
        for contributor in contributors { await contributor.contribute(to: &statistics) }
        return statistics
    }

    /// The queue status: per-queue counts, with the sections `contributors` add, and the workers
    /// alive, as the admin endpoint and `assay queue status` show it.
    public static func queueStatus(
        store: any AssayStore, queues: [String], mode: String, backend: String, now: Date,
        contributors: [any QueueStatusContributor] = []
    ) async throws -> QueueStatusResponse {
        let statistics = try await queueStatistics(store: store, queues: queues, contributors: contributors)
        let workers = try await store.jobs.workers(seenSince: now - WorkerHeartbeat.staleAfter.seconds)
        return QueueStatusResponse(
            serviceBusEnabled: mode == "service_bus", mode: mode, backend: backend,
            queues: statistics.mapValues(QueueStatusResponse.QueueCounts.init),
            workers: workers.map(QueueStatusResponse.Worker.init))
    }
}
