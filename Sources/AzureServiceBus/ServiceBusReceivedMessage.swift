import Foundation

/// A message received with peek-lock: locked for this receiver until it is settled or the lock expires.
public struct ServiceBusReceivedMessage: Sendable, Equatable {
    /// The queue (or `queue/$DeadLetterQueue`) it came from.
    public let entity: String
    public let body: Data
    public let properties: ServiceBusBrokerProperties
    /// Application properties, from the response's custom headers (names lowercased by HTTP).
    public let userProperties: [String: String]
    /// Where to complete, abandon or renew the lock: the response's `Location`.
    public let settleURL: String

    public var lockToken: String? { properties.lockToken }
    public var messageId: String? { properties.messageId }
    /// How many times the message was delivered, this delivery included.
    public var deliveryCount: Int { properties.deliveryCount ?? 1 }
    public var lockedUntil: Date? { properties.lockedUntil }
}
