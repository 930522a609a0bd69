import AssayTestSupport
import Foundation
import PostgresNIO
import Testing

@testable import AssayStore

/// PostgreSQL that refuses a connection, or a transaction that outlives its deadline.
@Suite("PostgreSQL: refusals and deadlines", .timeLimit(.minutes(2)))
struct PostgresFailureTests {
    @Test("an unknown database fails the start at once with one message that names it")
    func unknownDatabase() async throws {
        let server = try #require(
            ProcessInfo.processInfo.environment["ASSAY_TEST_POSTGRES_URL"],
            "the PostgreSQL test cluster's URL (scripts/test starts one)")
        var components = try #require(URLComponents(string: server))
        components.path = "/assay_no_such_database"
        let started = ContinuousClock.now
        do {
            let store = try await PostgresStore.open(
                url: try #require(components.string), logger: TestDatabase.quiet)
            try await store.close()
            Issue.record("the store opened on a database that does not exist")
        } catch let error as StoreError {
            guard case .connectionRejected(let reason) = error else {
                Issue.record("expected connectionRejected, got \(error)")
                return
            }
            #expect(reason.contains("assay_no_such_database"))
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test(
        "a transaction abandoned at its deadline rolls back, though its work ends after the caller's answer")
    func abandonedTransactionDoesNotCommit() async throws {
        let database = try await TestDatabase.create(.postgres)
        let pool = PostgresPool(
            url: try PostgresDatabaseURL(database.url), maximumConnections: 2, logger: TestDatabase.quiet)
        do {
            try await pool.whileRunning {
                try await pool.rows("CREATE TABLE marks (id integer)", logger: TestDatabase.quiet)
                let started = ContinuousClock.now
                await #expect(throws: StoreError.self) {
                    try await pool.transaction(logger: TestDatabase.quiet) { connection in
                        try await connection.rows("INSERT INTO marks VALUES (1)", logger: TestDatabase.quiet)
                        // Ends when the deadline cancels it; the body then returns as if all went well.
                        try? await Task.sleep(for: .seconds(60))
                    }
                }
                // The body sleeps a minute: an answer well before that came from the deadline
                // (10 s), however loaded the machine.
                #expect(ContinuousClock.now - started < .seconds(40))
                try await Task.sleep(for: .milliseconds(500))
                let rows = try await pool.rows("SELECT count(*) AS n FROM marks", logger: TestDatabase.quiet)
                #expect(try rows.first?.int("n") == 0)
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

}
