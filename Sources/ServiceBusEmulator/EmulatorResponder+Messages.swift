import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension EmulatorResponder {
    /// The largest message the Standard and Basic tiers accept, headers included.
    static let maximumMessageSize = 256 * 1024

    /// The header that carries a message's broker properties, as a JSON object.
    static let brokerPropertiesField = HTTPField.Name("BrokerProperties")!

    /// Request headers that are part of HTTP, not custom (user) properties of the message.
    static let standardRequestHeaders: Set<String> = [
        "host", "authorization", "content-type", "content-length", "brokerproperties", "user-agent", "accept",
        "accept-encoding", "connection", "transfer-encoding", "expect", "te", "keep-alive",
    ]

    /// Send (201): one message with a `BrokerProperties` header and custom headers, or a batch as
    /// `application/vnd.microsoft.servicebus.json`.
    func send(_ request: Request, to queue: String) async throws -> Response {
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: Self.maximumMessageSize * 64))
        let contentType = request.headers[.contentType]
        let messages: [IncomingMessage]
        if contentType?.lowercased().hasPrefix("application/vnd.microsoft.servicebus.json") == true {
            messages = try Self.batch(body)
        } else {
            guard body.count <= Self.maximumMessageSize else {
                throw EmulatorRequestError(
                    status: 413, detail: "MessageSizeExceeded: the message is larger than 256 KB")
            }
            var properties: [String: Any] = [:]
            if let header = request.headers[Self.brokerPropertiesField] {
                guard
                    let object = try? JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any]
                else {
                    throw EmulatorRequestError(
                        status: 400, detail: "the BrokerProperties header is not a JSON object")
                }
                properties = object
            }
            var userProperties: [String: String] = [:]
            for field in request.headers where !Self.standardRequestHeaders.contains(field.name.canonicalName)
            {
                userProperties[field.name.rawName] = field.value
            }
            messages = [
                try IncomingMessage(
                    body: body, contentType: contentType, brokerProperties: properties,
                    userProperties: userProperties)
            ]
        }
        guard emulator.namespace.enqueue(messages, to: queue) else {
            throw EmulatorRequestError(status: 410, detail: "the queue '\(queue)' does not exist")
        }
        return Self.response(status: .created)
    }

    private static func batch(_ body: Data) throws(EmulatorRequestError) -> [IncomingMessage] {
        guard let entries = try? JSONSerialization.jsonObject(with: body) as? [[String: Any]] else {
            throw EmulatorRequestError(
                status: 400,
                detail: "a batch must be a JSON array of {Body, BrokerProperties, UserProperties}")
        }
        var messages: [IncomingMessage] = []
        for entry in entries {
            guard let text = entry["Body"] as? String else {
                throw EmulatorRequestError(status: 400, detail: "every batch entry needs a string Body")
            }
            guard text.utf8.count <= maximumMessageSize else {
                throw EmulatorRequestError(
                    status: 413, detail: "MessageSizeExceeded: a batch entry is larger than 256 KB")
            }
            var userProperties: [String: String] = [:]
            for (name, value) in entry["UserProperties"] as? [String: Any] ?? [:] {
                userProperties[name] = value as? String ?? "\(value)"
            }
            messages.append(
                try IncomingMessage(
                    body: Data(text.utf8), contentType: nil,
                    brokerProperties: entry["BrokerProperties"] as? [String: Any] ?? [:],
                    userProperties: userProperties))
        }
        return messages
    }

    /// Peek-lock (201) or receive-and-delete (200) the next message, waiting up to `?timeout=`
    /// seconds (60 when absent) for one; 204 when none came.
    func receive(from queue: String, deadLetter: Bool, request: Request, lock: Bool) async throws -> Response
    {
        let timeout = request.uri.queryParameters["timeout"].flatMap { Double(String($0)) } ?? 60
        let deadline = ContinuousClock.now + .milliseconds(Int64(max(0, timeout) * 1000))
        while true {
            let taken = emulator.namespace.withQueue(queue) { queue, now in
                lock
                    ? queue.lockNext(deadLetter: deadLetter, now: now)
                    : queue.takeNext(deadLetter: deadLetter, now: now)
            }
            guard let taken else {
                throw EmulatorRequestError(status: 410, detail: "the queue '\(queue)' does not exist")
            }
            if let message = taken {
                return messageResponse(message, queue: queue, deadLetter: deadLetter, locked: lock)
            }
            if ContinuousClock.now >= deadline { return Self.response(status: .noContent) }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private func messageResponse(_ message: StoredMessage, queue: String, deadLetter: Bool, locked: Bool)
        -> Response
    {
        var properties = BrokerPropertiesHeader()
        properties["DeliveryCount"] = .integer(Int64(message.deliveryCount))
        properties["EnqueuedSequenceNumber"] = .integer(0)
        properties["EnqueuedTimeUtc"] = .string(EmulatorHTTPDate.format(message.enqueuedTime))
        properties["MessageId"] = .string(message.messageId)
        properties["SequenceNumber"] = .integer(message.sequenceNumber)
        properties["State"] = .string("Active")
        for (name, value) in message.passedProperties { properties[name] = .string(value) }
        if let ttl = message.timeToLive { properties["TimeToLive"] = .number(ttl) }
        if let scheduled = message.scheduledEnqueueTime {
            properties["ScheduledEnqueueTimeUtc"] = .string(EmulatorHTTPDate.format(scheduled))
        }
        var headers = HTTPFields()
        if locked, let lockToken = message.lockToken, let lockedUntil = message.lockedUntil {
            properties["LockToken"] = .string(lockToken)
            properties["LockedUntilUtc"] = .string(EmulatorHTTPDate.format(lockedUntil))
            let entity = deadLetter ? "\(queue)/$DeadLetterQueue" : queue
            headers[.location] =
                "\(emulator.baseURL)/\(entity)/messages/\(message.sequenceNumber)/\(lockToken)"
        }
        headers[Self.brokerPropertiesField] = properties.text
        headers[.contentType] = message.contentType ?? "application/atom+xml;type=entry;charset=utf-8"
        var userProperties = message.userProperties
        if let reason = message.deadLetterReason { userProperties["DeadLetterReason"] = reason }
        if let description = message.deadLetterErrorDescription {
            userProperties["DeadLetterErrorDescription"] = description
        }
        for (name, value) in userProperties {
            if let field = HTTPField.Name(name) { headers[field] = "\"\(value)\"" }
        }
        return Self.response(status: locked ? .created : .ok, headers: headers, body: message.body)
    }

    /// Complete (DELETE), abandon (PUT) or renew the lock (POST) of a locked message: 200, or the
    /// configured lost-lock status when no message holds that lock.
    func settle(queue: String, deadLetter: Bool, reference: String, lockToken: String, action: SettleAction)
        throws
        -> Response
    {
        let settled = emulator.namespace.withQueue(queue) { queue, now in
            queue.settle(
                reference: reference, lockToken: lockToken, action: action, deadLetter: deadLetter, now: now)
        }
        guard let settled else {
            throw EmulatorRequestError(status: 410, detail: "the queue '\(queue)' does not exist")
        }
        guard settled else {
            throw EmulatorRequestError(
                status: emulator.configuration.lostLockStatus,
                detail:
                    "MessageLockLost: the lock supplied is invalid. Either the lock expired, or the message has "
                    + "already been removed from the queue")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/atom+xml;type=entry;charset=utf-8"
        return Self.response(status: .ok, headers: headers)
    }
}
