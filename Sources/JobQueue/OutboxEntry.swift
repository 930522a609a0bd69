import Foundation

/// A job whose current attempt is to be published to a broker, held by one relay while it sends.
public struct OutboxEntry: Sendable, Hashable {
    public var jobID: String
    public var queue: String
    public var kind: String
    /// The number of attempts the job has started: the broker's message carries it, and the
    /// worker that receives the message claims the job only if it has started no other since.
    public var attempt: Int
    /// When the attempt is due: a message for a later time is sent as a scheduled message.
    public var runAt: Date

    public init(jobID: String, queue: String, kind: String, attempt: Int, runAt: Date) {
        self.jobID = jobID
        self.queue = queue
        self.kind = kind
        self.attempt = attempt
        self.runAt = runAt
    }
}
