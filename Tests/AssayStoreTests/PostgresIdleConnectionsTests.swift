import AssayTestSupport
import PostgresNIO
import Testing

@testable import AssayStore

/// The server's TCP keep-alive, set at each connection's start, keeps idle connections alive, in
/// place of postgres-nio's timed `SELECT 1`.
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
}
