import Foundation

/// A message as a send request gives it, before the broker numbers it.
struct IncomingMessage: Sendable {
    var body: Data
    var contentType: String?
    var messageId: String?
    var passedProperties: [String: String]
    var timeToLive: Double?
    var scheduledEnqueueTime: Date?
    var userProperties: [String: String]

    /// Broker properties a sender may set that the emulator keeps and hands back unchanged.
    static let passedPropertyNames = ["CorrelationId", "SessionId", "Label", "ReplyTo", "To", "PartitionKey"]

    /// Reads the settable broker properties from their JSON object; unknown ones are ignored, as the
    /// service does. Throws a reason when a known one has the wrong form.
    init(
        body: Data, contentType: String?, brokerProperties: [String: Any], userProperties: [String: String]
    ) throws(EmulatorRequestError) {
        self.body = body
        self.contentType = contentType
        self.userProperties = userProperties
        self.messageId = brokerProperties["MessageId"] as? String
        var passed: [String: String] = [:]
        for name in Self.passedPropertyNames {
            if let value = brokerProperties[name] as? String { passed[name] = value }
        }
        self.passedProperties = passed
        if let ttl = brokerProperties["TimeToLive"] {
            guard let seconds = (ttl as? NSNumber)?.doubleValue, seconds > 0, seconds.isFinite else {
                throw EmulatorRequestError(
                    status: 400, detail: "TimeToLive must be a positive, finite number of seconds")
            }
            self.timeToLive = seconds
        }
        if let scheduled = brokerProperties["ScheduledEnqueueTimeUtc"] {
            guard let text = scheduled as? String, let date = EmulatorHTTPDate.parse(text) else {
                throw EmulatorRequestError(
                    status: 400,
                    detail:
                        "ScheduledEnqueueTimeUtc must be an RFC 2616 date, such as 'Sun, 06 Nov 1994 08:49:37 GMT'"
                )
            }
            self.scheduledEnqueueTime = date
        }
        if let id = messageId, id.count > 128 {
            throw EmulatorRequestError(status: 400, detail: "MessageId is longer than 128 characters")
        }
    }
}
