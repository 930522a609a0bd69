import AssayTestSupport
import Foundation
import Logging
import Testing

@testable import AssayStore

/// `submissions` keeps only the indexes its reads need (migration 17), so that the update that
/// completes a submission adds as few index entries as it can.
@Suite("PostgreSQL: submissions indexed as their reads need", .timeLimit(.minutes(2)))
struct PostgresSubmissionIndexesTests {
    private static let expected = [
        "submissions_assessment_status_created", "submissions_idempotency_key", "submissions_pkey",
        "submissions_status_created",
    ]

    private static func indexes(url: String) async throws -> [String] {
        var names: [String] = []
        for name in [
            "submissions_assessment_created", "submissions_assessment_status_created", "submissions_created",
            "submissions_idempotency_key", "submissions_idempotency_key_key", "submissions_pkey",
            "submissions_status_created",
        ]
        where try await TestDatabase.postgresCount(
            url: url,
            "SELECT count(*) FROM pg_indexes WHERE tablename = 'submissions' AND indexname = '\(name)'")
            == 1
        {
            names.append(name)
        }
        #expect(
            try await TestDatabase.postgresCount(
                url: url, "SELECT count(*) FROM pg_indexes WHERE tablename = 'submissions'") == names.count)
        return names
    }

    @Test("four indexes; the idempotency key's holds only the submissions that came with one")
    func indexes() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let url = fixture.database.url
            #expect(try await Self.indexes(url: url) == Self.expected)
            for index in 0..<3 {
                let new = fixture.newSubmission(id: "plain-\(index)")
                _ = try await fixture.store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
            }
            let keyed = fixture.newSubmission(id: "keyed", key: "key-1", fingerprint: "f")
            _ = try await fixture.store.insertSubmission(keyed, job: fixture.scoringJob(for: keyed.id))
            // The same key again: the first submission, replayed; with another request, refused.
            let again = fixture.newSubmission(id: "keyed-again", key: "key-1", fingerprint: "f")
            let replayed = try await fixture.store.insertSubmission(
                again, job: fixture.scoringJob(for: again.id))
            guard case .replayed(let first) = replayed else {
                Issue.record("expected the first submission replayed, got \(replayed)")
                return
            }
            #expect(first.id == "keyed")
            let other = fixture.newSubmission(id: "keyed-other", key: "key-1", fingerprint: "g")
            await #expect(throws: StoreError.idempotencyKeyReused("key-1")) {
                _ = try await fixture.store.insertSubmission(other, job: fixture.scoringJob(for: other.id))
            }
            // Unique, and partial: a submission without a key adds no entry.
            #expect(
                try await TestDatabase.postgresCount(
                    url: url,
                    """
                    SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    WHERE c.relname = 'submissions_idempotency_key' AND i.indisunique
                      AND pg_get_expr(i.indpred, i.indrelid) = '(idempotency_key IS NOT NULL)'
                    """) == 1)
        }
    }

    @Test("migration 17 reshapes a database as migration 16 left it, with its submissions")
    func migration() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let url = fixture.database.url
            let keyed = fixture.newSubmission(id: "keyed", key: "key-1", fingerprint: "f")
            _ = try await fixture.store.insertSubmission(keyed, job: fixture.scoringJob(for: keyed.id))
            for statement in [
                "DROP INDEX submissions_idempotency_key",
                "ALTER TABLE submissions ADD CONSTRAINT submissions_idempotency_key_key UNIQUE (idempotency_key)",
                "CREATE INDEX submissions_created ON submissions (created_at DESC, id)",
                "CREATE INDEX submissions_assessment_created ON submissions (assessment_id, created_at DESC, id)",
                "DELETE FROM schema_migrations WHERE version = 17",
            ] {
                try await TestDatabase.postgresExecute(url: url, statement)
            }
            #expect(try await Self.indexes(url: url).count == 6)
            let applied = try await PostgresMigrations.apply(
                url: try PostgresDatabaseURL(url), logger: Logger(label: "test"))
            #expect(applied == [17])
            #expect(try await Self.indexes(url: url) == Self.expected)
            let other = fixture.newSubmission(id: "keyed-other", key: "key-1", fingerprint: "g")
            await #expect(throws: StoreError.idempotencyKeyReused("key-1")) {
                _ = try await fixture.store.insertSubmission(other, job: fixture.scoringJob(for: other.id))
            }
        }
    }
}
