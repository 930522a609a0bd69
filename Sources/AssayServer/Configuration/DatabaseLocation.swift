import AssayStore

/// Where the store's database is, as `DATABASE_URL` names it.
public enum DatabaseLocation: Sendable, Equatable {
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
                    message: "'\(url)' names no file; try sqlite://./data/assay.sqlite")
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
                message: "'\(url)' is not sqlite://PATH or postgres://user:pass@host:port/db")
        }
    }

    /// The name of the backend, as the queue status reports it.
    public var backendName: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres: "postgresql"
        }
    }
}
