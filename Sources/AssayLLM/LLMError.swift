/// Why a model call, or the answer it brought, failed; each case says whether retrying can help.
///
/// A description names the setting to fix where one is at fault and never holds the API key.
/// The worker maps ``isPermanent`` to a dead letter and ``retryAfter`` to a delayed retry.
public enum LLMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No complete answer within `LLM_TIMEOUT_SECONDS`.
    case timedOut(after: Duration)
    /// The connection failed or broke: the server is down, unreachable or closed it.
    case transport(String)
    /// The server failed (5xx).
    case server(status: Int)
    /// The server asks to slow down (429); `retryAfter` is its `Retry-After` or `retry-after-ms`.
    case rateLimited(retryAfter: Duration?)
    /// The server refused the key (401 or 403).
    case unauthorized(status: Int, setting: String)
    /// The model or deployment does not exist (404).
    case modelNotFound(setting: String)
    /// The server refused the request as malformed (another 4xx), with what it said.
    case rejected(status: Int, message: String)
    /// The answer was not valid: a grading that breaks the rubric's rules (after one repair
    /// request, when the scorer gives up), or a server reply that is not a chat completion.
    case invalidAnswer(String)

    /// Whether retrying cannot help, so the job goes to the dead letters at once.
    public var isPermanent: Bool {
        switch self {
        case .unauthorized, .modelNotFound, .rejected: true
        case .timedOut, .transport, .server, .rateLimited, .invalidAnswer: false
        }
    }

    /// The least wait before a retry, when the server named one.
    public var retryAfter: Duration? {
        if case .rateLimited(let wait) = self {
            return wait
        }
        return nil
    }

    public var description: String {
        switch self {
        case .timedOut(let limit):
            "the model did not answer within \(limit) (LLM_TIMEOUT_SECONDS)"
        case .transport(let reason):
            "could not reach the model server (LLM_BASE_URL): \(reason)"
        case .server(let status):
            "the model server failed with HTTP \(status)"
        case .rateLimited(let wait):
            "the model server is rate limiting (HTTP 429)"
                + (wait.map { "; retry after \($0)" } ?? "")
        case .unauthorized(let status, let setting):
            "the model server refused the key (HTTP \(status)): check \(setting)"
        case .modelNotFound(let setting):
            "the model server has no such model or deployment (HTTP 404): check \(setting)"
        case .rejected(let status, let message):
            "the model server refused the request (HTTP \(status)): \(message)"
        case .invalidAnswer(let reason):
            "the model's answer is invalid: \(reason)"
        }
    }
}
