import AssayCore
import AssayTestSupport
import Foundation
import JobQueue
import Testing

@testable import AssayStore

/// PostgreSQL keeps a submission's content, its evaluation and its report as the bytes the
/// service wrote (migration 14), uncompressed below 8 KB, and reads them back whole.
@Suite("PostgreSQL: documents stored as written", .timeLimit(.minutes(2)))
struct PostgresDocumentStorageTests {
    /// How many rows `sql` counts, `DOCUMENT` standing for the bytes of `document` in a dollar-quoted
    /// literal. A value stored compressed takes fewer bytes than its text.
    func count(_ fixture: StoreFixture, _ sql: String, document: Data) async throws -> Int {
        let text = String(decoding: document, as: UTF8.self)
        #expect(!text.contains("$doc$"))
        return try await TestDatabase.postgresCount(
            url: fixture.database.url, sql.replacingOccurrences(of: "DOCUMENT", with: "$doc$\(text)$doc$"))
    }

    @Test("the content, the evaluation and the report are stored byte for byte, uncompressed, and read back")
    func documentsKeptAsWritten() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            let store = fixture.store
            let new = fixture.newSubmission()
            var job = fixture.scoringJob(for: new.id)
            job.leasedTo = JobRequest.Lease(owner: "w", duration: .seconds(30))
            _ = try await store.insertSubmission(new, job: job)
            let evaluation = try await RubricScorer().evaluate(
                submissionID: new.id, content: new.content, for: fixture.assessment, at: fixture.clock.now())
            let report = ReportBuilder.build(
                submissionID: new.id, assessment: fixture.assessment, content: new.content,
                evaluation: evaluation, generatedAt: fixture.clock.now())
            let encodedEvaluation = try EncodedEvaluation(evaluation)
            let encodedReport = try EncodedReport(report)
            // Past the 2 KB at which PostgreSQL would compress a row by default.
            #expect(encodedReport.document.count > 2_000)
            let completed = try await store.insertEvaluation(
                encodedEvaluation, report: encodedReport,
                job: JobRequest(
                    queue: "report-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: new.id,
                    ranInline: true),
                completing: JobLease(jobID: job.id, attempt: 1, owner: "w"))
            #expect(completed)

            let content = try AssayJSON.encode(new.content)
            #expect(
                try await count(
                    fixture,
                    "SELECT count(*) FROM submissions WHERE content::text = DOCUMENT AND pg_column_size(content) >= octet_length(content::text)",
                    document: content) == 1)
            #expect(
                try await count(
                    fixture,
                    "SELECT count(*) FROM evaluations WHERE document::text = DOCUMENT AND pg_column_size(document) >= octet_length(document::text)",
                    document: encodedEvaluation.document) == 1)
            #expect(
                try await count(
                    fixture,
                    "SELECT count(*) FROM reports WHERE document::text = DOCUMENT AND pg_column_size(document) >= octet_length(document::text)",
                    document: encodedReport.document) == 1)

            #expect(try await store.submission(id: new.id)?.content == new.content)
            #expect(try await store.evaluation(submissionID: new.id) == evaluation)
            #expect(try await store.report(submissionID: new.id) == report)
        }
    }
}
