/// Errors the store reports; the HTTP layer maps each to a status code.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An assessment with this id exists already.
    case assessmentExists(String)
    /// The assessment named by a submission does not exist.
    case assessmentNotFound(String)
    /// An `Idempotency-Key` was used before with a different request.
    case idempotencyKeyReused(String)
    /// The database cannot be reached or answered with an error.
    case unavailable(String)
    /// `DATABASE_URL` cannot be used.
    case invalidDatabaseURL(String)

    public var description: String {
        switch self {
        case .assessmentExists(let id): "assessment '\(id)' already exists"
        case .assessmentNotFound(let id): "assessment '\(id)' does not exist"
        case .idempotencyKeyReused(let key):
            "Idempotency-Key '\(key)' was already used with a different request"
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        case .invalidDatabaseURL(let reason): reason
        }
    }
}
