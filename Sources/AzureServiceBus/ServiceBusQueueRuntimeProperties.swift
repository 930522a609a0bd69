/// A queue's message counts and settings, from the management API's queue description.
public struct ServiceBusQueueRuntimeProperties: Sendable, Equatable {
    public var name: String
    /// Messages ready to be received, locked ones included.
    public var activeMessageCount: Int
    public var deadLetterMessageCount: Int
    /// Messages sent with a `ScheduledEnqueueTimeUtc` still in the future.
    public var scheduledMessageCount: Int
    public var transferMessageCount: Int
    public var transferDeadLetterMessageCount: Int
    /// All messages in the queue and its subqueues, as the broker counts them.
    public var totalMessageCount: Int
    public var sizeInBytes: Int
    public var maxDeliveryCount: Int?
    /// The queue's `LockDuration` as the broker states it (ISO 8601, such as `PT1M`).
    public var lockDuration: String?

    public init(
        name: String, activeMessageCount: Int = 0, deadLetterMessageCount: Int = 0,
        scheduledMessageCount: Int = 0,
        transferMessageCount: Int = 0, transferDeadLetterMessageCount: Int = 0, totalMessageCount: Int = 0,
        sizeInBytes: Int = 0, maxDeliveryCount: Int? = nil, lockDuration: String? = nil
    ) {
        self.name = name
        self.activeMessageCount = activeMessageCount
        self.deadLetterMessageCount = deadLetterMessageCount
        self.scheduledMessageCount = scheduledMessageCount
        self.transferMessageCount = transferMessageCount
        self.transferDeadLetterMessageCount = transferDeadLetterMessageCount
        self.totalMessageCount = totalMessageCount
        self.sizeInBytes = sizeInBytes
        self.maxDeliveryCount = maxDeliveryCount
        self.lockDuration = lockDuration
    }
}
