import Foundation

/// The body of the Service Bus message that carries one attempt of a job: it names the job, and
/// the database holds everything else.
///
/// The message's `MessageId` is ``messageID``: the job and the attempt, so that a message sent
/// twice for one attempt is one message to a broker that detects duplicates, and a receiver can
/// tell a stale delivery from the attempt it was sent for.
public struct JobMessage: Sendable, Hashable, Codable {
    /// The job's id in the database.
    public var jobID: String
    /// The number of attempts the job had started when the message was sent.
    public var attempt: Int
    /// The job's kind, for logs and for a person reading the queue.
    public var kind: String

    public init(jobID: String, attempt: Int, kind: String) {
        self.jobID = jobID
        self.attempt = attempt
        self.kind = kind
    }

    /// `<job id>:<attempt>`.
    public var messageID: String { "\(jobID):\(attempt)" }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case attempt
        case kind
    }

    /// The JSON body of the message.
    public func encoded() -> Data {
        // Three plain fields: encoding cannot fail.
        (try? JSONEncoder().encode(self)) ?? Data()
    }

    /// The message a body names; `nil` for a body that is not one (a message that some other
    /// sender put on the queue).
    public init?(body: Data) {
        guard let message = try? JSONDecoder().decode(JobMessage.self, from: body),
            !message.jobID.isEmpty, message.attempt >= 0
        else { return nil }
        self = message
    }
}
