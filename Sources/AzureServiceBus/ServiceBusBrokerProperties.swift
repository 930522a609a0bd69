import Foundation

/// A message's broker properties, as the `BrokerProperties` header (or a batch entry) carries them.
///
/// A sender sets the first group; the broker sets the rest on a received message.
public struct ServiceBusBrokerProperties: Sendable, Equatable, Codable {
    public var messageId: String?
    public var correlationId: String?
    public var sessionId: String?
    /// The message's label (called subject by the newer SDKs).
    public var label: String?
    public var replyTo: String?
    public var to: String?
    /// Seconds the message lives in the queue.
    public var timeToLive: Double?
    /// When the broker makes the message visible; until then it is counted as scheduled.
    public var scheduledEnqueueTime: Date?
    public var partitionKey: String?

    /// How many times the message was delivered, this delivery included.
    public var deliveryCount: Int?
    public var sequenceNumber: Int64?
    public var enqueuedSequenceNumber: Int64?
    public var enqueuedTime: Date?
    public var lockToken: String?
    public var lockedUntil: Date?
    /// `Active`, `Scheduled` or `Deferred`.
    public var state: String?

    public init(
        messageId: String? = nil, correlationId: String? = nil, sessionId: String? = nil,
        label: String? = nil,
        replyTo: String? = nil, to: String? = nil, timeToLive: Double? = nil,
        scheduledEnqueueTime: Date? = nil,
        partitionKey: String? = nil
    ) {
        self.messageId = messageId
        self.correlationId = correlationId
        self.sessionId = sessionId
        self.label = label
        self.replyTo = replyTo
        self.to = to
        self.timeToLive = timeToLive
        self.scheduledEnqueueTime = scheduledEnqueueTime
        self.partitionKey = partitionKey
    }

    enum CodingKeys: String, CodingKey {
        case messageId = "MessageId"
        case correlationId = "CorrelationId"
        case sessionId = "SessionId"
        case label = "Label"
        case replyTo = "ReplyTo"
        case to = "To"
        case timeToLive = "TimeToLive"
        case scheduledEnqueueTime = "ScheduledEnqueueTimeUtc"
        case partitionKey = "PartitionKey"
        case deliveryCount = "DeliveryCount"
        case sequenceNumber = "SequenceNumber"
        case enqueuedSequenceNumber = "EnqueuedSequenceNumber"
        case enqueuedTime = "EnqueuedTimeUtc"
        case lockToken = "LockToken"
        case lockedUntil = "LockedUntilUtc"
        case state = "State"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date? {
            guard let text = try container.decodeIfPresent(String.self, forKey: key) else { return nil }
            guard let date = HTTPDate.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "not an RFC 1123 date: \(text)")
            }
            return date
        }
        messageId = try container.decodeIfPresent(String.self, forKey: .messageId)
        correlationId = try container.decodeIfPresent(String.self, forKey: .correlationId)
        sessionId = try container.decodeIfPresent(String.self, forKey: .sessionId)
        label = try container.decodeIfPresent(String.self, forKey: .label)
        replyTo = try container.decodeIfPresent(String.self, forKey: .replyTo)
        to = try container.decodeIfPresent(String.self, forKey: .to)
        timeToLive = try container.decodeIfPresent(Double.self, forKey: .timeToLive)
        scheduledEnqueueTime = try date(.scheduledEnqueueTime)
        partitionKey = try container.decodeIfPresent(String.self, forKey: .partitionKey)
        deliveryCount = try container.decodeIfPresent(Int.self, forKey: .deliveryCount)
        sequenceNumber = try container.decodeIfPresent(Int64.self, forKey: .sequenceNumber)
        enqueuedSequenceNumber = try container.decodeIfPresent(Int64.self, forKey: .enqueuedSequenceNumber)
        enqueuedTime = try date(.enqueuedTime)
        lockToken = try container.decodeIfPresent(String.self, forKey: .lockToken)
        lockedUntil = try date(.lockedUntil)
        state = try container.decodeIfPresent(String.self, forKey: .state)
    }

    /// Encodes the properties a sender may set; the broker's own are left out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(messageId, forKey: .messageId)
        try container.encodeIfPresent(correlationId, forKey: .correlationId)
        try container.encodeIfPresent(sessionId, forKey: .sessionId)
        try container.encodeIfPresent(label, forKey: .label)
        try container.encodeIfPresent(replyTo, forKey: .replyTo)
        try container.encodeIfPresent(to, forKey: .to)
        try container.encodeIfPresent(timeToLive, forKey: .timeToLive)
        try container.encodeIfPresent(
            scheduledEnqueueTime.map(HTTPDate.format), forKey: .scheduledEnqueueTime)
        try container.encodeIfPresent(partitionKey, forKey: .partitionKey)
    }

    /// True when no settable property is set (no `BrokerProperties` header is needed).
    var isEmptyForSending: Bool {
        messageId == nil && correlationId == nil && sessionId == nil && label == nil && replyTo == nil
            && to == nil && timeToLive == nil && scheduledEnqueueTime == nil && partitionKey == nil
    }
}
