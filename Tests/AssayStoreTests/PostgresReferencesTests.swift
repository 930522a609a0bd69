import AssayCore
import AssayTestSupport
import Foundation
import JobQueue
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
            // The assessment is now known to the writer; one it has not seen is still refused, by
            // the batch's one-statement way as by the general one.
            for _ in 0..<2 {
                var stray = fixture.newSubmission()
                stray.assessmentID = "no-such-assessment"
                await #expect(throws: StoreError.assessmentNotFound("no-such-assessment")) {
                    _ = try await store.insertSubmission(stray, job: fixture.scoringJob(for: stray.id))
                }
            }
            let evaluation = try await RubricScorer().evaluate(
                submissionID: new.id, content: new.content, for: fixture.assessment, at: fixture.clock.now())
            let report = ReportBuilder.build(
                submissionID: new.id, assessment: fixture.assessment, content: new.content,
                evaluation: evaluation, generatedAt: fixture.clock.now())
            let completed = try await store.insertEvaluation(
                try EncodedEvaluation(evaluation), report: try EncodedReport(report),
                job: JobRequest(
                    queue: "report-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: new.id,
                    ranInline: true),
                completing: JobLease(jobID: job.id, attempt: 1, owner: "w"))
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
}
