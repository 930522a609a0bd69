import AssayTestSupport
import PostgresNIO
import Testing

@testable import AssayStore

/// The pool keeps a few connections open, and the server's TCP keep-alive, set at each
/// connection's start, keeps them alive, in place of postgres-nio's timed `SELECT 1`.
@Suite("PostgreSQL: the pool's idle connections", .timeLimit(.minutes(2)))
struct PostgresIdleConnectionsTests {
    @Test("each pooled connection asks the server for TCP keep-alive probes after 30 s idle")
    func serverKeepsConnectionsAlive() async throws {
        let database = try await TestDatabase.create(.postgres)
        let pool = PostgresPool(
            url: try PostgresDatabaseURL(database.url), maximumConnections: 2, logger: TestDatabase.quiet)
        do {
            try await pool.whileRunning {
                let rows = try await pool.rows(
                    """
                    SELECT current_setting('tcp_keepalives_idle') AS idle,
                           current_setting('tcp_keepalives_interval') AS interval,
                           current_setting('tcp_keepalives_count') AS count
                    """, logger: TestDatabase.quiet)
                let row = try #require(rows.first)
                #expect(try row.string("idle") == "30")
                #expect(try row.string("interval") == "10")
                #expect(try row.string("count") == "3")
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    @Test("a connection of its own (the listener's, a migration's) asks for the same keep-alive")
    func ownConnectionKeepsAlive() async throws {
        let database = try await TestDatabase.create(.postgres)
        do {
            let url = try PostgresDatabaseURL(database.url)
            let connection = try await PostgresConnection.connect(
                configuration: try url.connectionConfiguration(), id: 1, logger: TestDatabase.quiet)
            let rows = try await connection.rows(
                "SELECT current_setting('tcp_keepalives_idle') AS idle", logger: TestDatabase.quiet)
            try await connection.close()
            #expect(try rows.first?.string("idle") == "30")
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    @Test("the pool keeps its first connections open, though one statement needed only one")
    func minimumConnectionsStayOpen() async throws {
        let database = try await TestDatabase.create(.postgres)
        let pool = PostgresPool(
            url: try PostgresDatabaseURL(database.url), maximumConnections: 32, logger: TestDatabase.quiet)
        do {
            try await pool.whileRunning {
                try await pool.rows("SELECT 1", logger: TestDatabase.quiet)
                let open = {
                    try await TestDatabase.postgresCount(
                        url: database.url,
                        """
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND pid <> pg_backend_pid()
                        """)
                }
                #expect(try await eventually { try await open() == PostgresPool.minimumConnections })
                // Not a connection more while nothing is asked.
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await open() == PostgresPool.minimumConnections)
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}
