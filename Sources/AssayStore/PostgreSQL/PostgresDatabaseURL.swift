import AssayCore
import Foundation
import NIOSSL
import PostgresNIO

/// A `postgres://user:password@host:port/database?sslmode=…` URL, read into client settings.
///
/// `sslmode` follows libpq: `disable`, `prefer` (the default: TLS when the server offers it),
/// `require` (TLS, certificate not checked, as managed PostgreSQL services document it) and
/// `verify-full` (TLS with the certificate checked against the host name).
public struct PostgresDatabaseURL: Sendable, Equatable {
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode

    /// Parses the URL, or says what is wrong with it, showing the URL with its password masked.
    public init(_ url: String) throws(StoreError) {
        let shown = QuotedInput.quote(Self.masked(url))
        guard let components = URLComponents(string: url),
            components.scheme == "postgres" || components.scheme == "postgresql"
        else { throw StoreError.invalidDatabaseURL("\(shown) is not postgres://user:pass@host:port/db") }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.invalidDatabaseURL("\(shown) names no host")
        }
        guard let user = components.user, !user.isEmpty else {
            throw StoreError.invalidDatabaseURL("\(shown) names no user")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw StoreError.invalidDatabaseURL("\(shown) names no database") }
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? SSLMode.prefer.rawValue
        guard let sslMode = SSLMode(rawValue: mode) else {
            let accepted = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw StoreError.invalidDatabaseURL(
                "sslmode \(QuotedInput.quote(mode)) is not one of \(accepted)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.sslMode = sslMode
    }

    /// `url` with the password of its user information replaced by `***`, for messages and logs;
    /// any text is accepted, a URL that does not parse included.
    ///
    /// ```swift
    /// PostgresDatabaseURL.masked("postgres://assay:secret@db:5432/assay")  // postgres://assay:***@db:5432/assay
    /// ```
    ///
    /// The user information ends at the last `@`, so a password holding an unescaped `/`, `?`,
    /// `#` or `@` is masked whole; when the rest of the URL holds an `@` too, more is masked, never less.
    public static func masked(_ url: String) -> String {
        let authorityStart = url.range(of: "://")?.upperBound ?? url.startIndex
        guard let at = url[authorityStart...].lastIndex(of: "@"),
            let colon = url[authorityStart..<at].firstIndex(of: ":")
        else { return url }
        return String(url[...colon]) + "***" + String(url[at...])
    }

    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if sslMode != .verifyFull { configuration.certificateVerification = .none }
        return configuration
    }

    /// The server's TCP keep-alive, which each connection asks for at its start: probes after 30 s
    /// idle, every 10 s, and 3 unanswered end the connection. It keeps an idle connection open
    /// through NATs and load balancers (Azure's drop a flow idle for 4 minutes), and ends one whose
    /// client is gone.
    static let keepAliveParameters = [
        ("tcp_keepalives_idle", "30"), ("tcp_keepalives_interval", "10"), ("tcp_keepalives_count", "3"),
    ]

    /// Settings for the connection pool.
    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(tlsConfiguration)
            case .require, .verifyFull: .require(tlsConfiguration)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.additionalStartupParameters = Self.keepAliveParameters
        return configuration
    }

    /// Settings for a connection of its own: the one that listens for notifications, a migration's.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch sslMode {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration))
            case .require, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration))
            }
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls)
        configuration.options.additionalStartupParameters = Self.keepAliveParameters
        return configuration
    }
}
