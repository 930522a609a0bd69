import Foundation

/// A message as the emulated broker keeps it.
struct StoredMessage: Sendable {
    var body: Data
    var contentType: String?
    var messageId: String
    /// The settable broker properties other than those kept apart (MessageId, TimeToLive, the schedule).
    var passedProperties: [String: String]
    var timeToLive: Double?
    var userProperties: [String: String]
    var sequenceNumber: Int64
    var enqueuedTime: Date
    var scheduledEnqueueTime: Date?
    var deliveryCount = 0
    var lockToken: String?
    var lockedUntil: Date?
    var deadLetterReason: String?
    var deadLetterErrorDescription: String?

    func isVisible(at now: Date) -> Bool {
        scheduledEnqueueTime.map { $0 <= now } ?? true
    }

    func isExpired(at now: Date) -> Bool {
        expiry.map { $0 <= now } ?? false
    }

    /// When its time to live ends, counted from when it became visible; nil without one.
    var expiry: Date? {
        timeToLive.map { (scheduledEnqueueTime ?? enqueuedTime).addingTimeInterval($0) }
    }
}
