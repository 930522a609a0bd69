import AssayCore
import AssayPipeline
import AssayStore
import Foundation
import JobQueue
import ServiceBusQueue

/// What the routes and job handlers work with: the store, the queues, the token and the clock.
public struct AssayDependencies: Sendable {
    public var store: any AssayStore
    public var scoringQueue: String
    public var reportQueue: String
    public var retryPolicy: RetryPolicy
    public var adminToken: String
    /// How the queue status and submit answer name the queue: `database`, `memory`, ….
    public var queueMode: String
    /// In Service Bus mode, the circuit over publishing to the broker; while it is open, the submit
    /// answer names the queue `fallback`.
    public var publishCircuit: PublishCircuit?
    /// The database behind the store: `sqlite` or `postgresql`.
    public var backendName: String
    /// Backends beside the database whose numbers the queue status shows, such as a broker's.
    public var statusContributors: [any QueueStatusContributor]
    /// Whether `GET /metrics` answers without the admin token (`METRICS_PUBLIC`).
    public var metricsPublic: Bool
    /// Hands new scoring jobs to this process's worker as they are stored, when it runs one in
    /// database mode (see ``JobHandoff``).
    public var handoff: ScoringHandoff?
    public var now: @Sendable () -> Date

    public init(
        store: any AssayStore, scoringQueue: String = "scoring-jobs",
        reportQueue: String = "report-jobs", retryPolicy: RetryPolicy = .default, adminToken: String,
        queueMode: String = "database", backendName: String = "sqlite",
        statusContributors: [any QueueStatusContributor] = [], metricsPublic: Bool = false,
        publishCircuit: PublishCircuit? = nil, handoff: ScoringHandoff? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.scoringQueue = scoringQueue
        self.reportQueue = reportQueue
        self.retryPolicy = retryPolicy
        self.adminToken = adminToken
        self.queueMode = queueMode
        self.backendName = backendName
        self.statusContributors = statusContributors
        self.metricsPublic = metricsPublic
        self.publishCircuit = publishCircuit
        self.handoff = handoff
        self.now = now
    }

    /// How the submit answer names the queue now: ``queueMode``, or `fallback` while the publishing
    /// circuit is open and the database workers run what stays unpublished.
    public var currentQueueMode: String {
        publishCircuit?.state.isOpen == true ? "fallback" : queueMode
    }
}
