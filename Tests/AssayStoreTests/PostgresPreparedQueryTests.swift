import AssayCore
import AssayTestSupport
import Foundation
import JobQueue
import PostgresNIO
import Testing

@testable import AssayStore

/// The statements run for every submission and job are named prepared statements, whose text is
/// the same whatever their values.
@Suite("PostgreSQL: prepared statements", .timeLimit(.minutes(2)))
struct PostgresPreparedQueryTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func leases(_ count: Int) -> [JobLease] {
        (0..<count).map { JobLease(jobID: "job-\($0)", attempt: $0 + 1, owner: "worker-\($0)") }
    }

    static func jobs(_ count: Int) -> [Job] {
        (0..<count).map {
            JobRequest(
                queue: "q\($0)", kind: "k", payload: Data([UInt8($0)]),
                dedupeKey: $0 % 2 == 0 ? "d\($0)" : nil
            )
            .makeJob(now: now)
        }
    }

    static func submission(_ index: Int, key: String?) throws -> PendingSubmission {
        let content = SubmissionContent(
            candidate: Candidate(name: "Ada \(index)", email: "ada@example.com"),
            answers: [Answer(questionID: "q1", answer: .text(String(repeating: "b", count: index)))])
        let submission = NewSubmission(
            id: "s\(index)", assessmentID: "a", content: content, idempotencyKey: key,
            requestFingerprint: key.map { "f" + $0 }, createdAt: now)
        return try PendingSubmission(
            submission, job: JobRequest(queue: "q", kind: "k", payload: Data(), dedupeKey: "s\(index)"))
    }

    static func evaluations(_ count: Int) throws -> [EncodedEvaluation] {
        try (0..<count).map {
            try EncodedEvaluation(
                Evaluation(
                    submissionID: "s\($0)", assessmentID: "a", scorer: "rubric", questions: [],
                    evaluatedAt: now))
        }
    }

    @Test("a statement's text is the same with no values, one, or many")
    func textIsIndependentOfValues() throws {
        for count in [1, 7] {
            #expect(
                PostgresJobDriver.Completion(of: Self.leases(count), now: Self.now).query.sql
                    == PostgresJobDriver.Completion.sql)
            #expect(
                PostgresJobDriver.InsertJobs(Self.jobs(count), now: Self.now).query.sql
                    == PostgresJobDriver.InsertJobs.sql)
            #expect(
                PostgresStore.ReadSubmissionWork(ids: (0..<count).map { "s\($0)" }).query.sql
                    == PostgresStore.ReadSubmissionWork.sql)
            let submissions = try (0..<count).map { try Self.submission($0, key: $0 == 0 ? nil : "k\($0)") }
            #expect(
                PostgresSubmissionWriter.InsertSubmissions(submissions, now: Self.now).query.sql
                    == PostgresSubmissionWriter.InsertSubmissions.sql)
            #expect(
                PostgresResultWriter.InsertEvaluations(try Self.evaluations(count)).query.sql
                    == PostgresResultWriter.InsertEvaluations.sql)
            let evaluations = try Self.evaluations(count)
            #expect(
                PostgresResultWriter.StoreResults(
                    reports: [], evaluations: evaluations,
                    inline: (0..<count).map { _ in
                        JobRequest(queue: "r", kind: "k", payload: Data(), dedupeKey: nil, ranInline: true)
                    }, leases: Self.leases(count), now: Self.now
                ).query.sql == PostgresResultWriter.StoreResults.sql)
        }
        #expect(
            PostgresJobDriver.Claim(
                queue: "scoring-jobs", limit: 32, owner: "w", now: Self.now, expiry: Self.now + 30,
                dueBy: Self.now - 1
            ).query.sql == PostgresJobDriver.Claim.sql)
        #expect(PostgresJobDriver.Notify(queue: "report-jobs").query.sql == PostgresJobDriver.Notify.sql)
    }

    @Test("a connection prepares a statement once and runs it by name from then on")
    func connectionPreparesOnce() async throws {
        try await TestDatabase.withStore(.postgres) { store, database in
            let requests = (0..<3).map {
                JobRequest(queue: "prepared", kind: "noop", payload: Data("\($0)".utf8), dedupeKey: nil)
            }
            _ = try await store.jobs.enqueue(requests)
            let connection = try await PostgresConnection.connect(
                configuration: try PostgresDatabaseURL(database.url).connectionConfiguration(), id: 1,
                logger: TestDatabase.quiet)
            let (claimed, runs) = try await Self.claimThrice(on: connection)
            try await connection.close()
            #expect(claimed == 3)
            #expect(runs == [3])
        }
    }

    /// The plan a connection keeps for a prepared statement when it is prepared before anything
    /// is stored (a new database), run with `arguments`.
    static func planOnEmptyTables(of sql: String, arguments: String) async throws -> String {
        try await TestDatabase.withStore(.postgres) { _, database in
            let connection = try await PostgresConnection.connect(
                configuration: try PostgresDatabaseURL(database.url).connectionConfiguration(), id: 1,
                logger: TestDatabase.quiet)
            defer { Task { try? await connection.close() } }
            try await connection.query("SET plan_cache_mode = force_generic_plan", logger: TestDatabase.quiet)
            try await connection.query(
                PostgresQuery(unsafeSQL: "PREPARE statement AS " + sql), logger: TestDatabase.quiet)
            var plan: [String] = []
            for try await line in try await connection.query(
                PostgresQuery(unsafeSQL: "EXPLAIN EXECUTE statement(\(arguments))"),
                logger: TestDatabase.quiet
            ).decode(String.self) {
                plan.append(line)
            }
            return plan.joined(separator: "\n")
        }
    }

    @Test("the read of submissions' work looks rows up by key, even when planned on empty tables")
    func workReadPlannedOnEmptyTables() async throws {
        let plan = try await Self.planOnEmptyTables(
            of: PostgresStore.ReadSubmissionWork.sql, arguments: "'{s1,s2}'")
        #expect(!plan.contains("Seq Scan"), "\(plan)")
        #expect(!plan.contains("Hash"), "\(plan)")
        #expect(plan.contains("evaluations_pkey") && plan.contains("reports_pkey"), "\(plan)")
    }

    @Test("a completion reads its jobs by key, even when its plan is made while the table is small")
    func completionReadsJobsByKey() async throws {
        try await TestDatabase.withStore(.postgres) { store, database in
            _ = try await store.jobs.enqueue(
                (0..<100).map { _ in JobRequest(queue: "q", kind: "k", payload: Data(), dedupeKey: nil) })
            let claimed = try await store.jobs.claimNextJobs(
                queue: "q", limit: 2, owner: "w", leaseDuration: .seconds(60))
            let connection = try await PostgresConnection.connect(
                configuration: try PostgresDatabaseURL(database.url).connectionConfiguration(), id: 1,
                logger: TestDatabase.quiet)
            defer { Task { try? await connection.close() } }
            // The connection's first completion: its plan is made now, with `jobs` two pages long.
            try await connection.query("BEGIN", logger: TestDatabase.quiet)
            let completed = try await connection.rows(
                PostgresJobDriver.Completion(of: claimed.compactMap(\.lease), now: Date()),
                logger: TestDatabase.quiet)
            let scans = try await connection.rows(
                "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'jobs'",
                logger: TestDatabase.quiet)
            try await connection.query("COMMIT", logger: TestDatabase.quiet)
            #expect(completed.count == 2)
            #expect(try scans.first?.int("seq_scan") == 0)
            #expect(try await store.jobs.job(id: claimed[0].id)?.state == .completed)
        }
    }

    /// Claims one job three times on `connection`; returns how many it claimed and how many times
    /// each prepared claim ran.
    static func claimThrice(on connection: PostgresConnection) async throws -> (claimed: Int, runs: [Int]) {
        var claimed = 0
        for round in 0..<3 {
            let claim = PostgresJobDriver.Claim(
                queue: "prepared", limit: 1, owner: "w\(round)", now: Date(), expiry: Date() + 60,
                dueBy: Date())
            claimed += try await connection.rows(claim, logger: TestDatabase.quiet).count
        }
        let prepared = try await connection.rows(
            """
            SELECT generic_plans + custom_plans AS runs FROM pg_prepared_statements
            WHERE statement = \(PostgresJobDriver.Claim.sql) AND NOT from_sql
            """, logger: TestDatabase.quiet)
        return (claimed, try prepared.map { try $0.int("runs") })
    }
}
