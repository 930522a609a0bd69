import Foundation

/// A worker's sign of life: who it is, what it serves, when it was last seen.
public struct WorkerHeartbeat: Sendable, Equatable {
    public var workerID: String
    public var queues: [String]
    public var host: String
    public var processID: Int
    public var startedAt: Date
    public var lastSeenAt: Date

    /// A worker not seen for this long is taken for gone (three missed heartbeats at the default interval).
    public static let staleAfter: Duration = .seconds(15)

    public init(
        workerID: String, queues: [String], host: String, processID: Int, startedAt: Date, lastSeenAt: Date
    ) {
        self.workerID = workerID
        self.queues = queues
        self.host = host
        self.processID = processID
        self.startedAt = startedAt
        self.lastSeenAt = lastSeenAt
    }
}
