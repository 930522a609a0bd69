import AssayCore
import Foundation
import JobQueue
import Logging
import Synchronization

/// The store on an SQLite file: the embedded default, nothing to install or start.
public final class SQLiteStore: AssayStore {
    public let jobs: any JobQueueDriver
    let pool: SQLiteConnectionPool

    /// Opens (creating if needed) the database at `path` and applies pending migrations when asked.
    ///
    /// A folder it creates has mode 0700, and a database file it creates mode 0600, which SQLite
    /// gives its `-wal` and `-shm` files too: candidates' answers are for the owner's eyes only.
    /// At most `maximumPendingWrites` writes of each kind wait for their transaction; more fail
    /// with ``StoreError/overloaded(pending:)``.
    public static func open(
        path: String, migrate: Bool = true, notifier: JobNotifier = JobNotifier(),
        maximumPendingWrites: Int = 4096, logger: Logger, now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> SQLiteStore {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        SQLiteConnectionPool.createPrivateFile(path: path)
        let pool = try await SQLiteConnectionPool.open(path: path, readerCount: 4)
        let store = SQLiteStore(
            pool: pool, notifier: notifier, maximumPendingWrites: maximumPendingWrites, now: now)
        if migrate {
            let applied = try await store.migrate()
            if !applied.isEmpty {
                logger.info(
                    "database migrated", metadata: ["versions": .string("\(applied)"), "path": .string(path)])
            }
        }
        return store
    }

    private init(
        pool: SQLiteConnectionPool, notifier: JobNotifier, maximumPendingWrites: Int,
        now: @escaping @Sendable () -> Date
    ) {
        self.pool = pool
        self.jobDriver = SQLiteJobDriver(pool: pool, notifier: notifier, now: now)
        self.jobs = jobDriver
        self.submissionWriter = SQLiteSubmissionWriter(
            pool: pool, jobDriver: jobDriver, maximumPending: maximumPendingWrites)
        self.resultWriter = SQLiteResultWriter(
            pool: pool, jobDriver: jobDriver, maximumPending: maximumPendingWrites)
    }

    private let jobDriver: SQLiteJobDriver
    /// Finished at ``close()``, which ends ``run()``.
    private let closed = AsyncStream<Void>.makeStream()
    private let submissionWriter: SQLiteSubmissionWriter
    private let resultWriter: SQLiteResultWriter
    private let assessmentCache = Mutex<[String: Assessment]>([:])
    private static let assessmentCacheLimit = 1000

    /// Applies migrations not yet applied; returns their versions.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await SQLiteMigrations.apply(to: pool)
    }

    /// Reads once, and throws why the last write failed when the database refused it (read-only,
    /// full, locked) and no write has succeeded since.
    public func ping() async throws {
        _ = try await pool.read("SELECT 1")
        if let failure = pool.writeFailure { throw failure }
    }

    /// SQLite needs nothing running beside the store: waits until ``close()`` or cancellation.
    public func run() async {
        for await _ in closed.stream {}
    }

    public func close() async throws {
        closed.continuation.finish()
        try await pool.close()
    }

    // MARK: Assessments

    public func insertAssessment(_ assessment: Assessment, at date: Date) async throws {
        let document = try AssayJSON.encoder().encode(assessment)
        let rows = try await pool.write(
            """
            INSERT INTO assessments (id, title, question_count, document, created_at)
            VALUES (\(assessment.id), \(assessment.title), \(assessment.questions.count), \(json: document), \(date))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """)
        if rows.isEmpty { throw StoreError.assessmentExists(assessment.id) }
    }

    /// One assessment. Assessments never change once stored, so each is read and decoded once per process.
    public func assessment(id: String) async throws -> Assessment? {
        if let cached = assessmentCache.withLock({ $0[id] }) { return cached }
        guard let row = try await pool.read("SELECT document FROM assessments WHERE id = \(id)").first else {
            return nil
        }
        let assessment = try AssayJSON.decoder().decode(Assessment.self, from: row.data("document"))
        assessmentCache.withLock { cache in
            if cache.count >= Self.assessmentCacheLimit { cache.removeAll() }
            cache[id] = assessment
        }
        return assessment
    }

    public func listAssessments(limit: Int, offset: Int) async throws -> Page<AssessmentSummary> {
        let rows = try await pool.read(
            """
            SELECT id, title, question_count, created_at FROM assessments
            ORDER BY created_at, id LIMIT \(limit) OFFSET \(offset)
            """)
        let total = try await pool.read("SELECT count(*) AS total FROM assessments").first?.int("total") ?? 0
        let items = rows.map {
            AssessmentSummary(
                id: $0.string("id") ?? "", title: $0.string("title") ?? "",
                questionCount: $0.int("question_count"), createdAt: $0.date("created_at") ?? .distantPast)
        }
        return Page(items: items, total: total)
    }

    // MARK: Submissions

    public func insertSubmission(_ submission: NewSubmission, job: JobRequest) async throws
        -> SubmissionInsertOutcome
    {
        try await submissionWriter.insert(submission, job: job)
    }

    public func submission(id: String) async throws -> SubmissionRecord? {
        try await Self.submission(id: id, on: pool.read)
    }

    public func submissionWork(id: String) async throws -> SubmissionWork? {
        let rows = try await pool.read(
            """
            SELECT s.id, s.assessment_id, s.content, e.document AS evaluation,
                   EXISTS (SELECT 1 FROM reports r WHERE r.submission_id = s.id) AS has_report
            FROM submissions s LEFT JOIN evaluations e ON e.submission_id = s.id
            WHERE s.id = \(id)
            """)
        return try rows.first.map { row in
            try SubmissionWork(
                id: row.string("id") ?? id, assessmentID: row.string("assessment_id") ?? "",
                content: row.data("content"), evaluation: row.string("evaluation").map { Data($0.utf8) },
                hasReport: row.int("has_report") != 0)
        }
    }

    /// A page of submissions, newest first; only the filters asked for are in the statement, so
    /// that a filtered list reads the index of its filter. The total is the sum of the exact
    /// counts the triggers keep in `submission_counts` (one row per status and assessment), never
    /// a count of the matching rows.
    public func listSubmissions(_ query: SubmissionQuery) async throws -> Page<SubmissionRecord> {
        var conditions: [SQLiteQuery] = ["1"]
        if let assessmentID = query.assessmentID { conditions.append("assessment_id = \(assessmentID)") }
        if let status = query.status { conditions.append("status = \(status.rawValue)") }
        let filter = SQLiteQuery.joined(conditions, separator: " AND ")
        let rows = try await pool.read(
            """
            SELECT \(unsafeRaw: Self.columns) FROM submissions WHERE \(filter)
            ORDER BY created_at DESC, id LIMIT \(query.limit) OFFSET \(query.offset)
            """)
        let total =
            try await pool.read(
                "SELECT coalesce(sum(total), 0) AS total FROM submission_counts WHERE \(filter)"
            )
            .first?
            .int("total") ?? 0
        return Page(items: try rows.map(Self.submission(from:)), total: total)
    }

    static func submission(
        id: String, on run: (SQLiteQuery) async throws -> [SQLiteRow]
    ) async throws -> SubmissionRecord? {
        let rows = try await run("SELECT \(unsafeRaw: columns) FROM submissions WHERE id = \(id)")
        return try rows.first.map(submission(from:))
    }

    /// The columns of a submission; `status` is kept by triggers (``SubmissionStatusSQL``).
    private static let columns = "id, assessment_id, content, created_at, status"

    private static func submission(from row: SQLiteRow) throws -> SubmissionRecord {
        SubmissionRecord(
            id: row.string("id") ?? "", assessmentID: row.string("assessment_id") ?? "",
            content: try AssayJSON.decode(SubmissionContent.self, from: row.data("content")),
            status: SubmissionStatus(rawValue: row.string("status") ?? "") ?? .queued,
            createdAt: row.date("created_at") ?? .distantPast)
    }

    // MARK: Evaluations and reports

    public func insertEvaluation(
        _ evaluation: EncodedEvaluation, report: EncodedReport?, job: JobRequest, completing lease: JobLease?
    ) async throws -> Bool {
        try await resultWriter.insert(evaluation, report: report, job: job, completing: lease)
    }

    public func evaluation(submissionID: String) async throws -> Evaluation? {
        let rows = try await pool.read(
            "SELECT document FROM evaluations WHERE submission_id = \(submissionID)")
        return try rows.first.map {
            try AssayJSON.decode(Evaluation.self, from: $0.data("document"))
        }
    }

    public func insertReport(_ report: EncodedReport, completing lease: JobLease?) async throws -> Bool {
        try await resultWriter.insert(report, completing: lease)
    }

    public func report(submissionID: String) async throws -> Report? {
        let rows = try await pool.read("SELECT document FROM reports WHERE submission_id = \(submissionID)")
        return try rows.first.map { try AssayJSON.decoder().decode(Report.self, from: $0.data("document")) }
    }
}
