import AssayCore

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
    /// The database refused the connection for a reason waiting will not mend: a wrong password,
    /// an unknown database or user.
    case connectionRejected(String)
    /// The database takes no writes: its file, folder or disk is read-only.
    case readOnly(String)
    /// The database has no room left: the disk, or its size limit, is full.
    case full(String)
    /// Another process has held the database's write lock for longer than the busy timeout.
    case busy(String)
    /// More writes wait than the configured bound (`MAX_PENDING_WRITES`); try again shortly.
    case overloaded(pending: Int)
    /// `DATABASE_URL` cannot be used.
    case invalidDatabaseURL(String)
    /// A schema migration failed; its transaction was rolled back, so none of it was applied.
    case migrationFailed(version: Int, name: String, reason: String)

    /// Whether the error is the database's, not one request's: every write would meet it now, so
    /// a batch that meets it fails all of its requests at once rather than retrying each alone.
    public var failsEveryWrite: Bool {
        switch self {
        case .unavailable, .connectionRejected, .readOnly, .full, .busy: true
        case .assessmentExists, .assessmentNotFound, .idempotencyKeyReused, .overloaded, .invalidDatabaseURL,
            .migrationFailed:
            false
        }
    }

    public var description: String {
        switch self {
        case .assessmentExists(let id): "assessment '\(id)' already exists"
        case .assessmentNotFound(let id): "assessment '\(id)' does not exist"
        case .idempotencyKeyReused(let key):
            "Idempotency-Key \(QuotedInput.quote(key)) was already used with a different request"
        case .unavailable(let reason): "the database is unavailable: \(reason)"
        case .connectionRejected(let reason): "the database refused the connection: \(reason)"
        case .readOnly(let reason): "the database is read-only: \(reason)"
        case .full(let reason): "the database is full: \(reason)"
        case .busy(let reason): "the database is locked by another process: \(reason)"
        case .overloaded(let pending): "\(pending) writes are waiting already; try again shortly"
        case .invalidDatabaseURL(let reason): reason
        case .migrationFailed(let version, let name, let reason):
            "migration \(version) (\(name)) failed, and none of it was applied: \(reason)"
        }
    }
}
