import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A client of one Service Bus namespace over its REST API: send, peek-lock receive, settle, and
/// read or create queues.
///
/// ```swift
/// let client = ServiceBusClient(connection: try ServiceBusConnectionString(parsing: text))
/// try await client.send(ServiceBusMessage(body: body, properties: .init(messageId: id)), to: "scoring-jobs")
/// if let message = try await client.receive(from: "scoring-jobs", timeout: .seconds(30)) {
///     …
///     try await client.complete(message)
/// }
/// ```
///
/// Every method throws `ServiceBusError`, or `CancellationError` when its task was cancelled.
/// The HTTP client given must have no read timeout shorter than the longest receive wait, and room
/// for a connection per waiting receive (``AsyncHTTPClient/HTTPClient/serviceBus``, the default,
/// has both): the client sets each request's own deadline.
public struct ServiceBusClient: Sendable {
    public let connection: ServiceBusConnectionString
    let httpClient: HTTPClient
    let tokenProvider: any ServiceBusTokenProvider
    let options: ServiceBusClientOptions

    /// A client that signs with `tokenProvider`, or with the connection string's key when nil.
    public init(
        connection: ServiceBusConnectionString, httpClient: HTTPClient = .serviceBus,
        tokenProvider: (any ServiceBusTokenProvider)? = nil, options: ServiceBusClientOptions = .init()
    ) {
        self.connection = connection
        self.httpClient = httpClient
        self.tokenProvider = tokenProvider ?? SharedAccessSignatureProvider(connection: connection)
        self.options = options
    }

    /// Sends one message; returns once the broker has stored it (201).
    public func send(_ message: ServiceBusMessage, to queue: String) async throws {
        var headers = HTTPHeaders([("Content-Type", message.contentType)])
        if !message.properties.isEmptyForSending {
            headers.add(name: "BrokerProperties", value: try Self.json(message.properties))
        }
        for (name, value) in message.userProperties.sorted(by: { $0.key < $1.key }) {
            guard Self.isUsableHeaderName(name) else {
                throw ServiceBusError.invalidMessage(
                    "user property '\(name)' cannot be sent as an HTTP header; use letters, digits and '-' "
                        + "and avoid standard header names")
            }
            headers.add(name: name, value: value)
        }
        _ = try await perform(
            .POST, entity: queue, path: "/messages", headers: headers, body: message.body, expecting: [201])
    }

    /// Sends messages in one request; the broker stores all or none. An empty batch sends nothing.
    ///
    /// The batch format carries bodies as text, so every body must be UTF-8.
    public func send(batch messages: [ServiceBusMessage], to queue: String) async throws {
        guard !messages.isEmpty else { return }
        let entries = try messages.enumerated().map { index, message in
            guard let body = String(data: message.body, encoding: .utf8) else {
                throw ServiceBusError.invalidMessage(
                    "message \(index) of the batch has a body that is not UTF-8 text; send it on its own")
            }
            return BatchEntry(
                body: body, brokerProperties: message.properties, userProperties: message.userProperties)
        }
        let headers = HTTPHeaders([("Content-Type", "application/vnd.microsoft.servicebus.json")])
        _ = try await perform(
            .POST, entity: queue, path: "/messages", headers: headers, body: try Self.jsonData(entries),
            expecting: [201])
    }

    /// Receives and locks the next message, waiting up to `timeout` on the broker for one; nil when
    /// none came (204).
    public func receive(from queue: String, timeout: Duration = .seconds(60)) async throws
        -> ServiceBusReceivedMessage?
    {
        try await peekLock(entity: queue, timeout: timeout)
    }

    /// Receives and locks the next message of the queue's dead-letter subqueue; nil when none came.
    public func receive(fromDeadLetterOf queue: String, timeout: Duration = .seconds(60)) async throws
        -> ServiceBusReceivedMessage?
    {
        try await peekLock(entity: "\(queue)/$DeadLetterQueue", timeout: timeout)
    }

    /// Settles a message as done: the broker deletes it.
    ///
    /// - Throws: `ServiceBusError.lockLost` when the lock expired or the message was settled already.
    public func complete(_ message: ServiceBusReceivedMessage) async throws {
        _ = try await settle(message, method: .DELETE)
    }

    /// Gives a message back: it is unlocked at once for any receiver, its delivery count kept.
    public func abandon(_ message: ServiceBusReceivedMessage) async throws {
        _ = try await settle(message, method: .PUT)
    }

    /// Extends the lock by the queue's `LockDuration`, counted from now.
    public func renewLock(_ message: ServiceBusReceivedMessage) async throws {
        _ = try await settle(message, method: .POST)
    }

    private func peekLock(entity: String, timeout: Duration) async throws -> ServiceBusReceivedMessage? {
        let seconds = max(1, Int(timeout.seconds.rounded(.up)))
        let response = try await perform(
            .POST, entity: entity, path: "/messages/head", query: "timeout=\(seconds)", body: nil,
            expecting: [200, 201, 204], timeout: .seconds(seconds) + options.receiveGrace)
        guard response.status != 204 else { return nil }
        return try receivedMessage(from: response, entity: entity)
    }

    private func settle(_ message: ServiceBusReceivedMessage, method: HTTPMethod) async throws
        -> ServiceBusResponse
    {
        guard let url = URL(string: message.settleURL), message.settleURL.hasPrefix(connection.baseURL + "/")
        else {
            throw ServiceBusError.unexpectedResponse(
                entity: message.entity, detail: "the message's settle URL is not on this namespace")
        }
        return try await perform(
            method, entity: message.entity, url: url.absoluteString, body: nil, expecting: [200],
            timeout: options.requestTimeout, settling: true)
    }

    private func receivedMessage(from response: ServiceBusResponse, entity: String) throws
        -> ServiceBusReceivedMessage
    {
        guard let header = response.headers.first(name: "BrokerProperties"),
            let properties = ServiceBusBrokerProperties(header: header)
        else {
            throw ServiceBusError.unexpectedResponse(
                entity: entity, detail: "a received message has no readable BrokerProperties header")
        }
        guard let lockToken = properties.lockToken,
            let reference = properties.sequenceNumber.map({ String($0) }) ?? properties.messageId
        else {
            throw ServiceBusError.unexpectedResponse(
                entity: entity, detail: "a received message has no lock token or sequence number")
        }
        let settlePath =
            "/messages/\(SharedAccessSignatureProvider.percentEncoded(reference))/"
            + SharedAccessSignatureProvider.percentEncoded(lockToken)
        var userProperties: [String: String] = [:]
        for (name, value) in response.headers where !Self.standardResponseHeaders.contains(name.lowercased())
        {
            userProperties[name.lowercased()] = Self.unquoted(value)
        }
        return ServiceBusReceivedMessage(
            entity: entity, body: response.body, properties: properties, userProperties: userProperties,
            settleURL: entityURL(entity) + settlePath)
    }

    private static let standardResponseHeaders: Set<String> = [
        "brokerproperties", "location", "content-type", "content-length", "date", "server",
        "transfer-encoding",
        "strict-transport-security", "connection", "keep-alive", "x-ms-request-id", "cache-control",
        "expires",
        "pragma", "via", "vary",
    ]

    private static let reservedRequestHeaders: Set<String> = [
        "authorization", "brokerproperties", "content-type", "content-length", "host", "connection",
        "transfer-encoding",
    ]

    private static func isUsableHeaderName(_ name: String) -> Bool {
        !name.isEmpty && !reservedRequestHeaders.contains(name.lowercased())
            && name.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "-" || $0 == "_"
            }
    }

    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else { return value }
        return String(value.dropFirst().dropLast())
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try jsonData(value), as: UTF8.self)
    }

    static func jsonData(_ value: some Encodable) throws -> Data {
        do {
            return try JSONEncoder().encode(value)
        } catch {
            throw ServiceBusError.invalidMessage("its properties cannot be encoded as JSON: \(error)")
        }
    }
}
