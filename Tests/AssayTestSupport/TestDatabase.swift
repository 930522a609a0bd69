import AssayStore
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// A backend the shared suites run against.
public enum TestBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// The backend of the HTTP and end-to-end suites: `ASSAY_TEST_DATABASE` (`sqlite` when unset).
    public static var selected: TestBackend {
        TestBackend(rawValue: ProcessInfo.processInfo.environment["ASSAY_TEST_DATABASE"] ?? "sqlite")
            ?? .sqlite
    }
}

/// A throwaway database: an SQLite file in a temporary folder, or a fresh database on the
/// PostgreSQL test cluster that `scripts/test` starts (its server URL in `ASSAY_TEST_POSTGRES_URL`).
public struct TestDatabase: Sendable {
    public let backend: TestBackend
    /// The database as `DATABASE_URL` names it.
    public let url: String
    public let directory: TemporaryDirectory
    private let postgresName: String?

    /// A test that needs PostgreSQL fails with this when no cluster was started; it is never skipped.
    public struct MissingCluster: Error, CustomStringConvertible {
        public var description: String {
            "ASSAY_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts a PostgreSQL cluster"
        }
    }

    public static func create(_ backend: TestBackend) async throws -> TestDatabase {
        let directory = try TemporaryDirectory()
        switch backend {
        case .sqlite:
            return TestDatabase(
                backend: backend, url: "sqlite://" + directory.path("assay.sqlite"), directory: directory,
                postgresName: nil)
        case .postgres:
            let server = try serverURL()
            let name =
                "assay_test_"
                + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
            try await administer(server) {
                try await $0.query("CREATE DATABASE \(unescaped: name)", logger: quiet)
            }
            var components = URLComponents(string: server)
            components?.path = "/" + name
            return TestDatabase(
                backend: backend, url: components?.string ?? server, directory: directory, postgresName: name)
        }
    }

    /// Opens the store on this database, migrated.
    public func openStore(
        logger: Logger = TestDatabase.quiet, now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> any AssayStore {
        switch backend {
        case .sqlite:
            try await SQLiteStore.open(path: directory.path("assay.sqlite"), logger: logger, now: now)
        case .postgres: try await PostgresStore.open(url: url, logger: logger, now: now)
        }
    }

    /// Removes the database and the temporary folder.
    public func drop() async throws {
        directory.remove()
        if let postgresName {
            try await Self.administer(try Self.serverURL()) {
                try await $0.query(
                    "DROP DATABASE IF EXISTS \(unescaped: postgresName) WITH (FORCE)", logger: Self.quiet)
            }
        }
    }

    /// Runs `body` with a fresh database and its store running on `backend`, then closes and drops them.
    public static func withStore<T: Sendable>(
        _ backend: TestBackend, now: @escaping @Sendable () -> Date = Date.init,
        _ body: (any AssayStore, TestDatabase) async throws -> T
    ) async throws -> T {
        let database = try await create(backend)
        let store: any AssayStore
        do {
            store = try await database.openStore(now: now)
        } catch {
            try await database.drop()
            throw error
        }
        do {
            let result = try await store.whileRunning { try await body(store, database) }
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }

    /// A logger that lets warnings and worse through.
    public static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }

    private static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ASSAY_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw MissingCluster()
        }
        return url
    }

    /// The first column of the first row of `sql`, an integer, read from the PostgreSQL database at `url`.
    public static func postgresCount(url: String, _ sql: String) async throws -> Int {
        var value = 0
        try await administer(url) { connection in
            for try await count in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quiet)
                .decode(Int.self)
            {
                value = count
            }
        }
        return value
    }

    /// Runs one statement that returns no rows (a role, a grant) on the server at `url`.
    public static func postgresExecute(url: String, _ sql: String) async throws {
        try await administer(url) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: quiet)
        }
    }

    private static func administer(_ url: String, _ body: (PostgresConnection) async throws -> Void)
        async throws
    {
        // A loaded machine creating many databases at once answers slowly: wait longer than the store would.
        var configuration = try PostgresDatabaseURL(url).connectionConfiguration()
        configuration.options.connectTimeout = .seconds(60)
        let connection = try await PostgresConnection.connect(
            configuration: configuration, id: 0, logger: quiet)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
