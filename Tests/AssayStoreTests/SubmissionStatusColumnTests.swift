import AssayCore
import AssayTestSupport
import Foundation
import JobQueue
import Testing

@testable import AssayStore

/// The status kept in `submissions.status` follows every change, and the filtered list reads it.
@Suite("Submission status column, on every backend", .timeLimit(.minutes(2)))
struct SubmissionStatusColumnTests {
    /// How many submissions' stored status differs from the one derived from their jobs and results.
    func disagreements(_ fixture: StoreFixture) async throws -> Int {
        try await count(
            fixture,
            "SELECT count(*) AS n FROM submissions s WHERE s.status <> (\(SubmissionStatusSQL.expression))")
    }

    /// How many (status, assessment) pairs `submission_counts` sums to another number than a real
    /// count of the submissions.
    func countMismatches(_ fixture: StoreFixture) async throws -> Int {
        let sql = """
            SELECT count(*) AS n FROM (
                SELECT status, assessment_id FROM (
                    SELECT status, assessment_id, count(*) AS d FROM submissions GROUP BY status, assessment_id
                    UNION ALL
                    SELECT status, assessment_id, -sum(total) AS d FROM submission_counts
                    GROUP BY status, assessment_id
                ) AS both_sides
                GROUP BY status, assessment_id HAVING sum(d) <> 0
            ) AS differing
            """
        return try await count(fixture, sql)
    }

    func count(_ fixture: StoreFixture, _ sql: String) async throws -> Int {
        switch fixture.database.backend {
        case .sqlite:
            let store = try #require(fixture.store as? SQLiteStore)
            return try await store.pool.read(SQLiteQuery(stringLiteral: sql)).first?.int("n") ?? -1
        case .postgres:
            return try await TestDatabase.postgresCount(url: fixture.database.url, sql)
        }
    }

    /// The stored status and the kept counts both agree with the truth.
    func expectTrue(_ fixture: StoreFixture, _ step: String) async throws {
        #expect(try await disagreements(fixture) == 0, "status after \(step)")
        #expect(try await countMismatches(fixture) == 0, "counts after \(step)")
    }

    /// Stores a submission with its scoring job; returns its id.
    func submit(_ fixture: StoreFixture) async throws -> String {
        let new = fixture.newSubmission()
        _ = try await fixture.store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
        fixture.clock.advance(seconds: 1)
        return new.id
    }

    /// Claims the next scoring job, which belongs to `id`.
    func claim(_ fixture: StoreFixture, _ id: String) async throws -> JobLease {
        let jobs = try await fixture.store.jobs.claimNextJobs(
            queue: "scoring-jobs", limit: 1, owner: "w", leaseDuration: .seconds(30))
        let job = try #require(jobs.first)
        #expect(job.dedupeKey == id)
        return try #require(job.lease)
    }

    /// Fails the attempt of `lease` for good.
    func kill(_ fixture: StoreFixture, _ lease: JobLease) async throws -> JobState {
        try await fixture.store.jobs.fail(
            lease,
            error: JobAttemptError(attempt: lease.attempt, failedAt: fixture.clock.now(), message: "x"),
            retryAt: nil)
    }

    func evaluation(_ fixture: StoreFixture, _ id: String) async throws -> Evaluation {
        let content = fixture.newSubmission().content
        return try await RubricScorer().evaluate(
            submissionID: id, content: content, for: fixture.assessment, at: fixture.clock.now())
    }

    @Test(
        "submit, claim, retry, death, retry of the dead, evaluation and report keep the stored status true",
        arguments: TestBackend.allCases)
    func statusFollowsEveryChange(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            // Claims take the oldest job first: submitted in the order they are claimed.
            let completed = try await submit(fixture)
            let reporting = try await submit(fixture)
            let failed = try await submit(fixture)
            let revived = try await submit(fixture)
            let scoring = try await submit(fixture)
            let queued = try await submit(fixture)
            try await expectTrue(fixture, "submissions")

            for id in [completed, reporting] {
                let lease = try await claim(fixture, id)
                let evaluation = try await evaluation(fixture, id)
                try await store.insertEvaluation(
                    evaluation,
                    job: JobRequest(queue: "report-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: id))
                try await expectTrue(fixture, "an evaluation")
                try await store.jobs.complete(lease)
                if id == completed {
                    try await store.insertReport(
                        ReportBuilder.build(
                            submissionID: id, assessment: fixture.assessment,
                            content: fixture.newSubmission().content, evaluation: evaluation,
                            generatedAt: fixture.clock.now()))
                    try await expectTrue(fixture, "a report")
                }
            }
            #expect(try await kill(fixture, try await claim(fixture, failed)) == .dead)
            try await expectTrue(fixture, "a death")
            let revivedLease = try await claim(fixture, revived)
            #expect(try await kill(fixture, revivedLease) == .dead)
            #expect(try await store.submission(id: revived)?.status == .failed)
            _ = try await store.jobs.retryDeadJob(id: revivedLease.jobID)
            try await expectTrue(fixture, "a retry of the dead")
            _ = try await claim(fixture, scoring)
            try await expectTrue(fixture, "a claim")
            let expected: [SubmissionStatus: [String]] = [
                // A retry of the dead goes on counting attempts: its scoring started before.
                .queued: [queued], .scoring: [revived, scoring], .reporting: [reporting],
                .completed: [completed], .failed: [failed],
            ]
            for (status, ids) in expected {
                let page = try await store.listSubmissions(SubmissionQuery(status: status))
                #expect(Set(page.items.map(\.id)) == Set(ids), "\(status)")
                #expect(page.total == ids.count, "\(status)")
                #expect(page.items.allSatisfy { $0.status == status })
                let ofAssessment = try await store.listSubmissions(
                    SubmissionQuery(assessmentID: fixture.assessment.id, status: status))
                #expect(ofAssessment.total == ids.count, "\(status) of the assessment")
            }
            #expect(try await store.listSubmissions(SubmissionQuery()).total == 6)
            #expect(
                try await store.listSubmissions(SubmissionQuery(assessmentID: fixture.assessment.id)).total
                    == 6)
        }
    }

    @Test(
        "a job handed over as it is stored, a report stored with its evaluation, and a batch mixing both kinds keep the stored status true",
        arguments: TestBackend.allCases)
    func statusFollowsTheWritesThatKeepIt(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let handed = fixture.newSubmission()
            var handedJob = fixture.scoringJob(for: handed.id)
            handedJob.leasedTo = JobRequest.Lease(owner: "w", duration: .seconds(30))
            let inserted = try await store.insertSubmission(handed, job: handedJob)
            #expect(inserted.record.status == .scoring)
            #expect(try await store.submission(id: handed.id)?.status == .scoring)
            let waiting = try await submit(fixture)
            try await expectTrue(fixture, "a handed and a waiting submission")

            /// Stores the evaluation of `id`, with its report when `withReport`, completing `lease`.
            func score(_ id: String, lease: JobLease, withReport: Bool) async throws {
                let evaluation = try await evaluation(fixture, id)
                let report = ReportBuilder.build(
                    submissionID: id, assessment: fixture.assessment,
                    content: fixture.newSubmission().content,
                    evaluation: evaluation, generatedAt: fixture.clock.now())
                let completed = try await store.insertEvaluation(
                    try EncodedEvaluation(evaluation), report: withReport ? try EncodedReport(report) : nil,
                    job: JobRequest(
                        queue: "report-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: id,
                        ranInline: withReport),
                    completing: lease)
                #expect(completed)
            }
            try await score(
                handed.id, lease: JobLease(jobID: handedJob.id, attempt: 1, owner: "w"), withReport: true)
            #expect(try await store.submission(id: handed.id)?.status == .completed)
            try await expectTrue(fixture, "a report stored with its evaluation")

            // Several at once, some with their reports and some without, share transactions.
            let more = try await (0..<6).asyncMap { _ in try await submit(fixture) }
            let leases = try await ([waiting] + more).asyncMap { try await claim(fixture, $0) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (index, lease) in leases.enumerated() {
                    group.addTask {
                        let id = try #require(try await store.jobs.job(id: lease.jobID)?.dedupeKey)
                        try await score(id, lease: lease, withReport: index % 2 == 0)
                    }
                }
                try await group.waitForAll()
            }
            try await expectTrue(fixture, "evaluations with and without their reports")
            let reporting = try await store.listSubmissions(SubmissionQuery(status: .reporting))
            #expect(reporting.total == 3)
            #expect(try await store.listSubmissions(SubmissionQuery(status: .completed)).total == 5)
        }
    }

    @Test("SQLite writes a submission's row only when its status changes: three times from submit to report")
    func rowWrittenOnlyOnChange() async throws {
        try await StoreFixture.with(.sqlite) { fixture in
            let store = fixture.store
            let sqlite = try #require(store as? SQLiteStore)
            _ = try await sqlite.pool.transaction { connection in
                try connection.run("CREATE TABLE row_writes (status TEXT NOT NULL)")
                try connection.run(
                    "CREATE TRIGGER count_row_writes AFTER UPDATE ON submissions BEGIN INSERT INTO row_writes VALUES (NEW.status); END"
                )
            }
            let id = try await submit(fixture)
            let scoring = try await claim(fixture, id)
            let evaluation = try await evaluation(fixture, id)
            try await store.insertEvaluation(
                evaluation,
                job: JobRequest(queue: "report-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: id))
            try await store.jobs.complete(scoring)
            let reporting = try #require(
                try await store.jobs.claimNextJobs(
                    queue: "report-jobs", limit: 1, owner: "w", leaseDuration: .seconds(30)
                ).first?.lease)
            try await store.insertReport(
                ReportBuilder.build(
                    submissionID: id, assessment: fixture.assessment,
                    content: fixture.newSubmission().content,
                    evaluation: evaluation, generatedAt: fixture.clock.now()))
            try await store.jobs.complete(reporting)
            #expect(try await store.submission(id: id)?.status == .completed)
            let writes = try await sqlite.pool.read("SELECT status FROM row_writes ORDER BY rowid")
            #expect(writes.map { $0.string("status") } == ["scoring", "reporting", "completed"])
            try await expectTrue(fixture, "a submission's whole life")
        }
    }

    @Test(
        "a batch of jobs claimed, completed or given results in one statement moves every submission it touches"
    )
    func batchesMoveEverySubmission() async throws {
        try await StoreFixture.with(.postgres) { fixture in
            var ids: [String] = []
            for _ in 0..<30 { ids.append(try await submit(fixture)) }
            let jobs = try await fixture.store.jobs.claimNextJobs(
                queue: "scoring-jobs", limit: 30, owner: "w", leaseDuration: .seconds(30))
            #expect(jobs.count == 30)
            try await expectTrue(fixture, "one claim of 30 jobs")
            #expect(try await fixture.store.listSubmissions(SubmissionQuery(status: .scoring)).total == 30)
            try await withThrowingTaskGroup { group in
                for job in jobs {
                    let evaluation = try await evaluation(fixture, try #require(job.dedupeKey))
                    group.addTask {
                        try await fixture.store.insertEvaluation(
                            evaluation,
                            job: JobRequest(
                                queue: "report-jobs", kind: "k", payload: Data("{}".utf8),
                                dedupeKey: evaluation.submissionID))
                        try await fixture.store.jobs.complete(try #require(job.lease))
                    }
                }
                try await group.waitForAll()
            }
            try await expectTrue(fixture, "30 evaluations and completions, batched")
            #expect(try await fixture.store.listSubmissions(SubmissionQuery(status: .reporting)).total == 30)
            // No trigger of these tables runs once per row (pg_trigger's tgtype bit 1 is FOR EACH ROW).
            let rowTriggers = try await TestDatabase.postgresCount(
                url: fixture.database.url,
                """
                SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND (t.tgtype & 1) = 1
                  AND c.relname IN ('jobs', 'submissions', 'evaluations', 'reports')
                """)
            #expect(rowTriggers == 0)
        }
    }

    @Test(
        "a failed submission whose dead job was discarded is queued again when a new job arrives for it",
        arguments: TestBackend.allCases)
    func newJobRevivesAFailedSubmission(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let id = try await submit(fixture)
            let lease = try await claim(fixture, id)
            #expect(try await kill(fixture, lease) == .dead)
            #expect(try await fixture.store.jobs.discardDeadJob(id: lease.jobID))
            #expect(try await fixture.store.submission(id: id)?.status == .failed)
            _ = try await fixture.store.jobs.enqueue(fixture.scoringJob(for: id))
            #expect(try await fixture.store.submission(id: id)?.status == .queued)
            try await expectTrue(fixture, "a new job for a failed submission")
        }
    }

    @Test("the list's total is read from the kept counts, not counted", arguments: TestBackend.allCases)
    func totalReadsTheKeptCounts(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            for _ in 0..<3 { _ = try await submit(fixture) }
            // Ten more queued than there are: in the one row of SQLite, in a slot of its own on PostgreSQL.
            switch backend {
            case .sqlite:
                let store = try #require(fixture.store as? SQLiteStore)
                _ = try await store.pool.transaction {
                    try $0.run("UPDATE submission_counts SET total = total + 10 WHERE status = 'queued'")
                }
            case .postgres:
                let bump = """
                    WITH bumped AS (
                        INSERT INTO submission_counts (status, assessment_id, slot, total)
                        VALUES ('queued', '\(fixture.assessment.id)', 99, 10) RETURNING 1)
                    SELECT count(*) FROM bumped
                    """
                _ = try await TestDatabase.postgresCount(url: fixture.database.url, bump)
            }
            #expect(try await fixture.store.listSubmissions(SubmissionQuery(status: .queued)).total == 13)
            #expect(try await fixture.store.listSubmissions(SubmissionQuery()).total == 13)
        }
    }

    @Test("concurrent submissions and claims keep the counts exact", arguments: TestBackend.allCases)
    func concurrentChangesKeepTheCounts(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await withThrowingTaskGroup { group in
                for _ in 0..<40 {
                    let new = fixture.newSubmission()
                    group.addTask {
                        _ = try await fixture.store.insertSubmission(
                            new, job: fixture.scoringJob(for: new.id))
                    }
                }
                for index in 0..<4 {
                    group.addTask {
                        _ = try await fixture.store.jobs.claimNextJobs(
                            queue: "scoring-jobs", limit: 5, owner: "w\(index)", leaseDuration: .seconds(30))
                    }
                }
                try await group.waitForAll()
            }
            try await expectTrue(fixture, "concurrent submissions and claims")
            #expect(try await fixture.store.listSubmissions(SubmissionQuery()).total == 40)
        }
    }
}

extension Sequence {
    /// The results of `transform` on each element, one after the other.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
