import AssayTestSupport
import Logging
import Testing

@testable import AssayStore

/// A migration that fails ends the start with one line naming it and the server's reason, and
/// leaves nothing of itself behind.
@Suite("PostgreSQL: a failing migration", .timeLimit(.minutes(2)))
struct PostgresMigrationFailureTests {
    @Test("a migration the schema cannot take fails in one line, naming it, and is rolled back")
    func failingMigration() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let url = fixture.database.url
            // Migration 16 alters `reports`, which an operator renamed; its other keys are still there.
            for statement in [
                "ALTER TABLE reports RENAME TO reports_moved",
                """
                ALTER TABLE evaluations ADD CONSTRAINT evaluations_submission_id_fkey
                    FOREIGN KEY (submission_id) REFERENCES submissions (id)
                """,
                "DELETE FROM schema_migrations WHERE version = 16",
            ] {
                try await TestDatabase.postgresExecute(url: url, statement)
            }
            let failure = await #expect(throws: StoreError.self) {
                try await PostgresStore.open(url: url, startWait: .seconds(5), logger: Logger(label: "test"))
            }
            guard case .migrationFailed(let version, let name, let reason) = failure else {
                Issue.record("expected migrationFailed, got \(String(describing: failure))")
                return
            }
            #expect(version == 16)
            #expect(name == PostgresMigrations.referencesKeptByWriters.name)
            #expect(reason == #"relation "reports" does not exist (SQLSTATE 42P01)"#)
            let line = String(describing: failure!)
            #expect(line.hasPrefix("migration 16 (") && !line.contains("\n"), "\(line)")
            #expect(
                try await TestDatabase.postgresCount(
                    url: url, "SELECT count(*) FROM schema_migrations WHERE version = 16")
                    == 0)
            #expect(
                try await TestDatabase.postgresCount(
                    url: url, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")
                    == 1)
        }
    }
}
