import AssayCore
import AssayTestSupport
import Foundation
import JobQueue
import Testing

@testable import AssayStore

/// What a submission's jobs write on SQLite, beyond what the shared suites check: no row written
/// for nothing.
@Suite("SQLite: the write path of a submission and its jobs", .timeLimit(.minutes(1)))
struct SQLiteWritePathTests {
    func withSQLite(_ body: (SQLiteStore, StoreFixture) async throws -> Void) async throws {
        try await StoreFixture.with(.sqlite) { fixture in
            try await body(try #require(fixture.store as? SQLiteStore), fixture)
        }
    }

    /// Claims the one job due in `queue`.
    func claim(_ fixture: StoreFixture, _ queue: String) async throws -> JobLease {
        let jobs = try await fixture.store.jobs.claimNextJobs(
            queue: queue, limit: 1, owner: "w", leaseDuration: .seconds(30))
        return try #require(jobs.first?.lease)
    }

    @Test("a submission's row is written once per change of its status, from submit to report")
    func statusWrittenOnlyWhenItChanges() async throws {
        try await withSQLite { store, fixture in
            // Counts, on the writer connection, every write of a submission's status.
            try await store.pool.transaction { connection in
                try await connection.run("CREATE TEMP TABLE status_writes (status TEXT NOT NULL)")
                try await connection.run(
                    """
                    CREATE TEMP TRIGGER count_status_writes AFTER UPDATE OF status ON main.submissions
                    BEGIN INSERT INTO status_writes VALUES (NEW.status); END
                    """)
            }
            let new = fixture.newSubmission()
            _ = try await store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
            let scoring = try await claim(fixture, "scoring-jobs")
            let evaluation = try await RubricScorer().evaluate(
                submissionID: new.id, content: new.content, for: fixture.assessment, at: fixture.clock.now())
            try await store.insertEvaluation(
                evaluation,
                job: JobRequest(queue: "report-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: new.id))
            try await store.jobs.complete(scoring)
            let reporting = try await claim(fixture, "report-jobs")
            try await store.insertReport(
                ReportBuilder.build(
                    submissionID: new.id, assessment: fixture.assessment, content: new.content,
                    evaluation: evaluation, generatedAt: fixture.clock.now()))
            try await store.jobs.complete(reporting)

            let writes = try await store.pool.transaction { connection in
                try await connection.run("SELECT status FROM status_writes ORDER BY rowid").compactMap {
                    $0.string("status")
                }
            }
            #expect(writes == ["scoring", "reporting", "completed"])
            #expect(try await store.submission(id: new.id)?.status == .completed)
        }
    }

    /// Stores `rounds` × 20 submissions one commit each, pausing after each round; returns the
    /// size of the WAL file then.
    func walSize(of store: SQLiteStore, path: String, rounds: Int) async throws -> Int {
        let assessment = try AssayFixture.sampleAssessment()
        try await store.insertAssessment(assessment, at: Date())
        for _ in 0..<rounds {
            for _ in 0..<20 {
                let new = NewSubmission(
                    id: UUID().uuidString, assessmentID: assessment.id,
                    content: SubmissionContent(
                        candidate: Candidate(name: "Ada", email: "ada@example.com"),
                        answers: [Answer(questionID: assessment.questions[0].id, answer: .text("b"))]),
                    idempotencyKey: nil, requestFingerprint: nil, createdAt: Date())
                _ = try await store.insertSubmission(
                    new,
                    job: JobRequest(
                        queue: "scoring-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: new.id))
            }
            try await Task.sleep(for: .milliseconds(30))
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path + "-wal")
        return try #require(attributes[.size] as? Int)
    }

    @Test("the running store's checkpoints keep the WAL a fraction of what the writer alone lets it grow to")
    func checkpointKeepsTheWALBounded() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let running = directory.path("running.sqlite")
        let idle = directory.path("idle.sqlite")
        let runningStore = try await SQLiteStore.open(
            path: running, checkpointInterval: .milliseconds(5), logger: TestDatabase.quiet)
        let idleStore = try await SQLiteStore.open(path: idle, logger: TestDatabase.quiet)
        let checkpointed = try await runningStore.whileRunning {
            try await walSize(of: runningStore, path: running, rounds: 10)
        }
        let unchecked = try await walSize(of: idleStore, path: idle, rounds: 10)
        try await idleStore.close()
        #expect(checkpointed * 3 < unchecked, "WAL \(checkpointed) bytes checkpointed, \(unchecked) not")
    }
}
