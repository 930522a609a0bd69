import AssayPipeline
import AzureServiceBus
import Foundation
import JobQueue
import Logging

/// Everything Assay reads at start: environment, `.env`, then flags, the later winning.
///
/// ```swift
/// let configuration = try AssayConfiguration(environment: ProcessInfo.processInfo.environment)
/// ```
public struct AssayConfiguration: Sendable {
    public var database: DatabaseLocation
    public var queueBackend: QueueBackend
    public var scoringQueue: String
    public var reportQueue: String
    /// The Service Bus namespace and key, in Service Bus mode (`nil` otherwise).
    public var serviceBusConnection: ServiceBusConnectionString?
    /// In Service Bus mode, while publishing fails, a job unpublished this long is run by the
    /// database workers inside `serve`.
    public var serviceBusFallbackDelay: Duration
    /// In Service Bus mode, a published job that no broker worker claimed this long after it was
    /// due is run by database workers.
    public var serviceBusReclaimDelay: Duration
    /// In Service Bus mode, receive requests in flight at once per queue in each `assay worker`.
    public var serviceBusReceivers: Int
    public var retryPolicy: RetryPolicy
    public var leaseDuration: Duration
    /// How often an idle worker looks for jobs that no in-process wake-up announced (other processes' jobs, retries).
    public var pollInterval: Duration
    /// How long completed jobs are kept.
    public var completedRetention: Duration
    /// How long a job of a kind no worker knows is given back for other workers before it is dead.
    public var unknownKindGrace: Duration
    /// Whether workers wake on PostgreSQL notifications; off behind poolers that drop `LISTEN`, leaving the poll.
    public var listensForJobs: Bool
    /// The admin bearer token; `nil` means: read it from the data folder, or make one at first start.
    public var adminToken: String?
    /// `SCORER`: the rubric, or a model with its `LLM_*` settings.
    public var scorer: ScorerSettings
    public var host: String
    public var port: Int
    /// How long `serve` keeps a connection that sends nothing (between requests, or in the middle
    /// of a request's head) before closing it.
    public var httpIdleTimeout: Duration
    /// How long a request may take to arrive whole, from its head to the end of its body.
    public var httpReadTimeout: Duration
    /// Where the admin token (and the default SQLite file) are kept.
    public var dataDirectory: String
    /// Where the sample assessments loaded into an empty database are.
    public var examplesDirectory: String
    /// Jobs run at once per queue by the workers inside `serve`; 0 runs no worker there.
    public var workerConcurrency: Int
    /// Writes of each kind (submissions, evaluations, reports) that may wait for their transaction;
    /// one more is answered 503 `overloaded` at once.
    public var maximumPendingWrites: Int
    /// How long a start waits for a PostgreSQL server that does not answer yet, before it fails
    /// with one line naming `DATABASE_URL`.
    public var databaseStartWait: Duration
    public var logLevel: Logger.Level
    /// `LOG_FORMAT`: `text` (default) or `json`, one object a line.
    public var logFormat: LogFormat
    /// `METRICS_PUBLIC`: `GET /metrics` without the admin token.
    public var metricsPublic: Bool

    /// How the submit answer and the queue status name the queue: `database`, `service_bus`, `memory`.
    public var queueMode: String { queueBackend == .serviceBus ? "service_bus" : queueBackend.rawValue }

    /// The queues workers serve, scoring first.
    public var queues: [String] { [scoringQueue, reportQueue] }

    /// Reads the configuration from `environment` (with `.env` values merged in by the caller).
    public init(environment: [String: String]) throws(ConfigurationError) {
        let reader = EnvironmentReader(environment)
        database = try DatabaseLocation(
            url: reader.string("DATABASE_URL", default: "sqlite://./data/assay.sqlite"))
        let useServiceBus = try reader.bool("USE_SERVICE_BUS", default: false)
        queueBackend = try reader.choice(
            "QUEUE_BACKEND", default: useServiceBus ? QueueBackend.serviceBus : .database)
        scoringQueue = try reader.queueName("AZURE_SERVICE_BUS_SCORING_QUEUE", default: "scoring-jobs")
        reportQueue = try reader.queueName("AZURE_SERVICE_BUS_REPORT_QUEUE", default: "report-jobs")
        guard scoringQueue != reportQueue else {
            throw ConfigurationError(
                variable: "AZURE_SERVICE_BUS_REPORT_QUEUE", message: "must differ from the scoring queue")
        }
        serviceBusConnection = try Self.serviceBusConnection(
            reader.optionalString("AZURE_SERVICE_BUS_CONNECTION_STRING"),
            required: queueBackend == .serviceBus)
        serviceBusFallbackDelay = .seconds(
            try reader.seconds("SERVICE_BUS_FALLBACK_SECONDS", default: 5, in: 0.1...3600))
        serviceBusReclaimDelay = .seconds(
            try reader.seconds("SERVICE_BUS_RECLAIM_SECONDS", default: 300, in: 1...86_400))
        serviceBusReceivers = try reader.integer("SERVICE_BUS_RECEIVERS", default: 16, in: 1...256)
        let maxRetries = try reader.integer("JOB_MAX_RETRIES", default: 3, in: 0...100)
        let base = try reader.seconds("JOB_RETRY_BASE_SECONDS", default: 2, in: 0.001...86_400)
        let maximum = try reader.seconds("JOB_RETRY_MAX_SECONDS", default: 300, in: 0.001...604_800)
        guard maximum >= base else {
            throw ConfigurationError(
                variable: "JOB_RETRY_MAX_SECONDS",
                message: "must be at least JOB_RETRY_BASE_SECONDS (\(base))")
        }
        retryPolicy = RetryPolicy(maxRetries: maxRetries, base: .seconds(base), maximum: .seconds(maximum))
        leaseDuration = .seconds(try reader.seconds("JOB_LEASE_SECONDS", default: 30, in: 1...3600))
        pollInterval = .seconds(try reader.seconds("JOB_POLL_SECONDS", default: 0.5, in: 0.01...60))
        listensForJobs = try reader.bool("JOB_LISTEN_NOTIFY", default: true)
        completedRetention = .seconds(
            86_400 * (try reader.seconds("JOB_RETENTION_DAYS", default: 7, in: 0.000_1...3650)))
        unknownKindGrace = .seconds(
            try reader.seconds("JOB_UNKNOWN_KIND_GRACE_SECONDS", default: 900, in: 0...604_800))
        adminToken = try reader.optionalString("ADMIN_API_TOKEN").map { token throws(ConfigurationError) in
            guard token.count >= 16, token.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw ConfigurationError(
                    variable: "ADMIN_API_TOKEN", message: "must be at least 16 printable ASCII characters")
            }
            return token
        }
        scorer = try ScorerSettings(reader)
        host = reader.string("HOST", default: "127.0.0.1")
        port = try reader.integer("PORT", default: 8000, in: 0...65_535)
        httpIdleTimeout = .seconds(
            try reader.seconds("HTTP_IDLE_TIMEOUT_SECONDS", default: 60, in: 0.1...3600))
        httpReadTimeout = .seconds(
            try reader.seconds("HTTP_READ_TIMEOUT_SECONDS", default: 30, in: 0.1...3600))
        dataDirectory = reader.string("DATA_DIR", default: "./data")
        examplesDirectory = reader.string("EXAMPLES_DIR", default: "./Examples")
        workerConcurrency = try reader.integer("WORKER_CONCURRENCY", default: 256, in: 0...4096)
        maximumPendingWrites = try reader.integer("MAX_PENDING_WRITES", default: 4096, in: 1...1_000_000)
        databaseStartWait = .seconds(try reader.seconds("DATABASE_WAIT_SECONDS", default: 60, in: 0...86_400))
        logLevel = try reader.choice("LOG_LEVEL", default: Logger.Level.info)
        logFormat = try reader.choice("LOG_FORMAT", default: LogFormat.text)
        metricsPublic = try reader.bool("METRICS_PUBLIC", default: false)
        try checkBuilt()
    }

    /// Reads the configuration from `.env` at `dotEnvPath`, then `environment`, then `overrides`
    /// (flags), each winning over the one before.
    public static func load(
        environment: [String: String], dotEnvPath: String, overrides: [String: String?] = [:]
    ) throws(ConfigurationError) -> AssayConfiguration {
        var merged = try DotEnvFile.read(path: dotEnvPath)
        merged.merge(environment) { _, real in real }
        for case (let name, let value?) in overrides { merged[name] = value }
        return try AssayConfiguration(environment: merged)
    }

    /// The connection string parsed, when one is given; one is required in Service Bus mode. Its
    /// errors name the variable and the part at fault, never the key.
    private static func serviceBusConnection(_ text: String?, required: Bool) throws(ConfigurationError)
        -> ServiceBusConnectionString?
    {
        let variable = "AZURE_SERVICE_BUS_CONNECTION_STRING"
        guard let text else {
            guard !required else {
                throw ConfigurationError(
                    variable: variable,
                    message: "is required with USE_SERVICE_BUS=true or QUEUE_BACKEND=servicebus "
                        + "(Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…)"
                )
            }
            return nil
        }
        do {
            return try ServiceBusConnectionString(parsing: text)
        } catch {
            guard case .invalidConnectionString(let reason) = error else {
                throw ConfigurationError(variable: variable, message: "cannot be used")
            }
            throw ConfigurationError(variable: variable, message: reason)
        }
    }

    /// Rejects settings whose part is not in this build yet, naming the variable.
    private func checkBuilt() throws(ConfigurationError) {
        if queueBackend == .memory {
            throw ConfigurationError(
                variable: "QUEUE_BACKEND", message: "the memory queue is not in this build yet; use database")
        }
    }
}

/// Which driver carries the jobs.
public enum QueueBackend: String, Sendable, CaseIterable {
    case database
    case serviceBus = "servicebus"
    case memory
}

/// Which scorer evaluates submissions.
public enum ScorerChoice: String, Sendable, CaseIterable {
    case rubric
    case llm
}
