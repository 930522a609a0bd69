import Foundation

/// A message to send: a body, broker properties and application (user) properties.
///
/// ```swift
/// let message = ServiceBusMessage(
///     body: Data(#"{"job_id":"…"}"#.utf8),
///     properties: .init(messageId: jobID, scheduledEnqueueTime: runAt),
///     userProperties: ["kind": "scoring"])
/// ```
public struct ServiceBusMessage: Sendable, Equatable {
    public var body: Data
    /// The body's media type; a single send passes it as `Content-Type`.
    public var contentType: String
    public var properties: ServiceBusBrokerProperties
    /// Application properties. On a single send each becomes a request header, so names must be
    /// HTTP header names and must not clash with standard headers.
    public var userProperties: [String: String]

    public init(
        body: Data, contentType: String = "application/json",
        properties: ServiceBusBrokerProperties = .init(),
        userProperties: [String: String] = [:]
    ) {
        self.body = body
        self.contentType = contentType
        self.properties = properties
        self.userProperties = userProperties
    }
}
