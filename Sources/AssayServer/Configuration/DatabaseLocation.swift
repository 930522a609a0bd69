import AssayCore
import AssayStore

/// Where the store's database is, as `DATABASE_URL` names it.
///
/// Its description, and every error about it, shows a PostgreSQL URL with the password masked.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    /// An SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL server.
    case postgres(url: String)

    /// Parses `sqlite://./rel.sqlite`, `sqlite:///abs/path.sqlite`, `postgres://…` or `postgresql://…`.
    public init(url: String) throws(ConfigurationError) {
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty, !path.hasSuffix("/") else {
                throw ConfigurationError(
                    variable: "DATABASE_URL",
                    message: "\(QuotedInput.quote(url)) names no file; try sqlite://./data/assay.sqlite")
            }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            do {
                _ = try PostgresDatabaseURL(url)
            } catch {
                throw ConfigurationError(variable: "DATABASE_URL", message: error.description)
            }
            self = .postgres(url: url)
        } else {
            throw ConfigurationError(
                variable: "DATABASE_URL",
                message: "\(QuotedInput.quote(PostgresDatabaseURL.masked(url))) is not sqlite://PATH "
                    + "or postgres://user:pass@host:port/db")
        }
    }

    /// The name of the backend, as the queue status reports it.
    public var backendName: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgresql"
        }
    }

    /// `sqlite://PATH`, or the PostgreSQL URL with its password masked.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite://" + path
        case .postgres(let url): PostgresDatabaseURL.masked(url)
        }
    }
}
