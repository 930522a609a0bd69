import Foundation

/// How a ``JobWorker`` runs: which queues, how many jobs at once, leases and retries.
public struct JobWorkerOptions: Sendable {
    public var queues: [String]
    /// Jobs run at once, per queue, unless ``queueConcurrency`` says otherwise for one.
    public var concurrency: Int
    /// Jobs run at once for the queues named here, in place of ``concurrency``: a queue whose jobs
    /// wait on something scarce (a model's calls) claims no more than can run, so the rest wait in
    /// the database, unleased, and their attempts' time limits do not run while they queue.
    public var queueConcurrency: [String: Int]
    public var leaseDuration: Duration
    /// How often an idle worker looks for jobs when no wake-up arrives.
    public var pollInterval: Duration
    /// How long running jobs may finish after a shutdown signal before they are cancelled and released.
    public var gracePeriod: Duration
    public var retryPolicy: RetryPolicy
    /// Names this worker in leases and logs.
    public var workerID: String
    /// How often the worker records that it is alive.
    public var heartbeatInterval: Duration
    /// How long completed jobs are kept before they are pruned; dead jobs are kept until an admin acts.
    public var completedRetention: Duration
    /// How often completed jobs past their retention are pruned.
    public var pruneInterval: Duration
    /// While jobs run, a queue that has fewer than a quarter of its slots free waits up to this
    /// long for more to free up before it claims, so that one claim fills many slots. An idle
    /// queue claims at once.
    public var claimWindow: Duration
    /// A job of a kind this worker has no handler for is given back for another worker (one of a
    /// newer version, during a rolling deploy), claimable again after this delay.
    public var unknownKindRetryDelay: Duration
    /// How long, from the first time a worker gave it back, a job of a kind no worker knows is given
    /// back again before it is dead.
    public var unknownKindGrace: Duration

    public init(
        queues: [String], concurrency: Int = 8, leaseDuration: Duration = .seconds(30),
        pollInterval: Duration = .seconds(1), gracePeriod: Duration = .seconds(20),
        retryPolicy: RetryPolicy = .default, workerID: String = JobWorkerOptions.defaultWorkerID(),
        heartbeatInterval: Duration = .seconds(5), completedRetention: Duration = .seconds(7 * 86_400),
        pruneInterval: Duration = .seconds(600), claimWindow: Duration = .milliseconds(2),
        unknownKindRetryDelay: Duration = .seconds(10), unknownKindGrace: Duration = .seconds(900),
        queueConcurrency: [String: Int] = [:]
    ) {
        self.queues = queues
        self.concurrency = concurrency
        self.queueConcurrency = queueConcurrency
        self.leaseDuration = leaseDuration
        self.pollInterval = pollInterval
        self.gracePeriod = gracePeriod
        self.retryPolicy = retryPolicy
        self.workerID = workerID
        self.heartbeatInterval = heartbeatInterval
        self.completedRetention = completedRetention
        self.pruneInterval = pruneInterval
        self.claimWindow = claimWindow
        self.unknownKindRetryDelay = unknownKindRetryDelay
        self.unknownKindGrace = unknownKindGrace
    }

    /// Jobs run at once for `queue`, at least 1.
    public func concurrency(for queue: String) -> Int {
        max(1, queueConcurrency[queue] ?? concurrency)
    }

    /// A worker id unique to this process: host name, process id and a random suffix.
    public static func defaultWorkerID() -> String {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        return "\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)-\(suffix)"
    }
}
