/// Why a Service Bus call failed, with a message a person can act on.
///
/// No case carries the shared access key or a signature: the messages name the entity, the status
/// and what to check, and may quote the broker's own error detail (which never echoes a token).
public enum ServiceBusError: Error, Sendable {
    /// The connection string cannot be used; the text says which part is wrong.
    case invalidConnectionString(String)
    /// A message cannot be sent as given; the text says why.
    case invalidMessage(String)
    /// 401: the key name or key is wrong, or the token expired.
    case unauthorized(entity: String)
    /// 403: the key lacks the right the operation needs, or a quota was exceeded.
    case forbidden(entity: String, detail: String)
    /// 404 on a queue: it does not exist.
    case notFound(entity: String)
    /// 410 on a queue: it does not exist (any more).
    case entityGone(entity: String)
    /// 404 or 410 on a settlement or lock renewal: the lock expired, or the message was settled.
    case lockLost(entity: String)
    /// Another 4xx: the broker refused the request as sent.
    case rejected(entity: String, status: Int, detail: String)
    /// 429: too many requests; try again after `retryAfter` (when the broker said).
    case throttled(entity: String, retryAfter: Duration?)
    /// 503: the broker is busy or away; try again after `retryAfter` (when the broker said).
    case serverBusy(entity: String, retryAfter: Duration?)
    /// Another 5xx.
    case server(entity: String, status: Int)
    /// No answer within the time allowed.
    case timedOut(entity: String, after: Duration)
    /// The connection failed or was dropped before an answer came.
    case transport(entity: String, underlying: any Error)
    /// The broker answered in a way this client does not understand.
    case unexpectedResponse(entity: String, detail: String)

    /// True for failures that may pass by themselves (throttling, busy or failing broker, time-outs,
    /// dropped connections): a caller retries these, or falls back, rather than giving up.
    public var isTransient: Bool {
        switch self {
        case .throttled, .serverBusy, .server, .timedOut, .transport: true
        default: false
        }
    }

    /// The wait the broker asked for with `Retry-After`, if it did.
    public var retryAfter: Duration? {
        switch self {
        case .throttled(_, let retryAfter), .serverBusy(_, let retryAfter): retryAfter
        default: nil
        }
    }
}

extension ServiceBusError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidConnectionString(let reason):
            "Service Bus connection string: \(reason)"
        case .invalidMessage(let reason):
            "Service Bus message: \(reason)"
        case .unauthorized(let entity):
            "Service Bus refused '\(entity)' with 401: check SharedAccessKeyName and SharedAccessKey in the "
                + "connection string, and that this machine's clock is right (tokens are signed with an expiry)"
        case .forbidden(let entity, let detail):
            "Service Bus refused '\(entity)' with 403: the shared access policy lacks the right this needs "
                + "(Send, Listen, or Manage to read or create queues), or a quota is exceeded\(Self.quoted(detail))"
        case .notFound(let entity):
            "Service Bus has no '\(entity)' (404): create the queue, or check its name and the namespace"
        case .entityGone(let entity):
            "Service Bus has no '\(entity)' (410): the queue does not exist or was deleted; create it"
        case .lockLost(let entity):
            "the lock on a message of '\(entity)' is lost (it expired or the message was settled): "
                + "the message will be delivered again; renew locks more often than the queue's LockDuration"
        case .rejected(let entity, let status, let detail):
            "Service Bus refused a request on '\(entity)' with \(status)\(Self.quoted(detail))"
        case .throttled(let entity, let retryAfter):
            "Service Bus is throttling requests on '\(entity)' (429)\(Self.waiting(retryAfter))"
        case .serverBusy(let entity, let retryAfter):
            "Service Bus is busy or unavailable for '\(entity)' (503)\(Self.waiting(retryAfter))"
        case .server(let entity, let status):
            "Service Bus failed a request on '\(entity)' with \(status): retry; if it persists, check Azure's status page"
        case .timedOut(let entity, let after):
            "Service Bus did not answer a request on '\(entity)' within \(after): check the network path "
                + "to the namespace"
        case .transport(let entity, let underlying):
            "could not reach Service Bus for '\(entity)': \(underlying); check the endpoint and the network"
        case .unexpectedResponse(let entity, let detail):
            "Service Bus answered a request on '\(entity)' in a way this client does not understand: \(detail)"
        }
    }

    private static func quoted(_ detail: String) -> String {
        detail.isEmpty ? "" : ": \(detail)"
    }

    private static func waiting(_ retryAfter: Duration?) -> String {
        retryAfter.map { ": retry after \($0)" } ?? ": retry later"
    }
}
