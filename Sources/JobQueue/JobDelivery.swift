/// A broker message that brought a job attempt, held under the broker's lock (peek-lock) until its
/// source settles it.
public struct JobDelivery: Sendable, Hashable {
    /// The broker's identifier of the message, such as a Service Bus `MessageId`.
    public var messageID: String
    /// The token that holds the message's lock; the broker renews and settles the message by it.
    public var lockToken: String

    public init(messageID: String, lockToken: String) {
        self.messageID = messageID
        self.lockToken = lockToken
    }
}
