import AssayCore
import AssayTestSupport
import Foundation
import JobQueue
import Logging
import Testing

@testable import AssayStore

/// PostgreSQL checks no foreign key (migration 16): the writers keep every reference themselves.
@Suite("PostgreSQL: references kept by the writers", .timeLimit(.minutes(2)))
struct PostgresReferencesTests {
    @Test("no foreign key is checked, and no row refers to a missing one after a submission's whole run")
    func referencesKeptByWriters() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let store = fixture.store
            let url = fixture.database.url
            #expect(
                try await TestDatabase.postgresCount(
                    url: url,
                    """
                    SELECT count(*) FROM pg_constraint
                    WHERE contype = 'f' AND connamespace = 'public'::regnamespace
                    """) == 0)

            let new = fixture.newSubmission()
            var job = fixture.scoringJob(for: new.id)
            job.leasedTo = JobRequest.Lease(owner: "w", duration: .seconds(30))
            _ = try await store.insertSubmission(new, job: job)
            // The writer now knows the fixture's assessment, and skips the look-up for it; one it has
            // not seen is looked up and refused, and refused again (a refusal caches nothing).
            for _ in 0..<2 {
                var stray = fixture.newSubmission()
                stray.assessmentID = "no-such-assessment"
                await #expect(throws: StoreError.assessmentNotFound("no-such-assessment")) {
                    _ = try await store.insertSubmission(stray, job: fixture.scoringJob(for: stray.id))
                }
            }
            let completed = try await fixture.complete(new, jobID: job.id)
            #expect(completed)

            #expect(
                try await TestDatabase.postgresCount(
                    url: url,
                    """
                    SELECT (SELECT count(*) FROM submissions s
                            WHERE NOT EXISTS (SELECT 1 FROM assessments a WHERE a.id = s.assessment_id))
                         + (SELECT count(*) FROM evaluations e
                            WHERE NOT EXISTS (SELECT 1 FROM submissions s WHERE s.id = e.submission_id))
                         + (SELECT count(*) FROM reports r
                            WHERE NOT EXISTS (SELECT 1 FROM submissions s WHERE s.id = r.submission_id))
                    """) == 0)
            #expect(try await TestDatabase.postgresCount(url: url, "SELECT count(*) FROM submissions") == 1)
            #expect(try await TestDatabase.postgresCount(url: url, "SELECT count(*) FROM reports") == 1)
        }
    }

    @Test("migration 16 applies to a database where a key was already dropped by hand")
    func keyDroppedByHand() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let url = fixture.database.url
            // The schema as migration 15 left it, but for the report's key, dropped by an operator.
            for statement in [
                """
                ALTER TABLE evaluations ADD CONSTRAINT evaluations_submission_id_fkey
                    FOREIGN KEY (submission_id) REFERENCES submissions (id)
                """,
                """
                ALTER TABLE submissions ADD CONSTRAINT submissions_assessment_id_fkey
                    FOREIGN KEY (assessment_id) REFERENCES assessments (id)
                """,
                "DELETE FROM schema_migrations WHERE version = 16",
            ] {
                try await TestDatabase.postgresExecute(url: url, statement)
            }
            let applied = try await PostgresMigrations.apply(
                url: try PostgresDatabaseURL(url), logger: Logger(label: "test"))
            #expect(applied == [16])
            #expect(
                try await TestDatabase.postgresCount(
                    url: url, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'") == 0)
        }
    }
}
