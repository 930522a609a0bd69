import AssayCore
import Foundation
import JobQueue
import Logging
import PostgresNIO
import Synchronization

/// The store on PostgreSQL: for several API and worker processes on several hosts at once.
///
/// It owns a connection pool. Its ``notificationListener()``, run as a service beside the workers
/// (unless notifications are turned off, for connection poolers that do not pass `LISTEN`
/// through), wakes this process's workers when any process enqueues.
public final class PostgresStore: AssayStore {
    public let jobs: any JobQueueDriver
    private let client: PostgresPool
    private let url: PostgresDatabaseURL
    private let notifier: JobNotifier
    private let logger: Logger
    private let jobDriver: PostgresJobDriver
    private let submissionWriter: PostgresSubmissionWriter
    private let resultWriter: PostgresResultWriter
    private let workReads: RequestBatcher<String, SubmissionWork?>
    private let assessmentCache = Mutex<[String: Assessment]>([:])
    private static let assessmentCacheLimit = 1000

    /// Connects, and applies pending migrations when asked, on a connection of its own.
    ///
    /// The store's connection pool runs in ``run()``, which a service group runs (``StoreService``
    /// in `AssayServer`), or ``AssayStore/whileRunning(_:)`` around a one-shot command. A server that
    /// refuses the connection (wrong password, unknown database) fails the opening at once with
    /// ``StoreError/connectionRejected(_:)``; a server that does not answer yet is waited for, a
    /// warning logged once, for at most `startWait`, after which the opening fails with
    /// ``StoreError/unavailable(_:)`` naming the host and the last error. At most
    /// `maximumPendingWrites` writes of each kind wait for their transaction; more fail with
    /// ``StoreError/overloaded(pending:)``.
    public static func open(
        url: String, migrate: Bool = true, notifier: JobNotifier = JobNotifier(),
        maximumPendingWrites: Int = 4096, startWait: Duration = .seconds(60), logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) async throws -> PostgresStore {
        let databaseURL = try PostgresDatabaseURL(url)
        try await connectWhenReady(databaseURL, wait: startWait, logger: logger) { connection in
            guard migrate else { return }
            let applied = try await PostgresMigrations.apply(on: connection, logger: logger)
            if !applied.isEmpty {
                logger.info("database migrated", metadata: ["versions": .string("\(applied)")])
            }
        }
        return PostgresStore(
            client: PostgresPool(url: databaseURL, maximumConnections: 32, logger: logger), url: databaseURL,
            notifier: notifier, maximumPendingWrites: maximumPendingWrites, logger: logger, now: now)
    }

    /// Connects once, on a connection of its own, runs `body` on it and closes it. A refusal
    /// (``StoreError/connectionRejected(_:)``) ends the start at once; a server that does not answer
    /// within ``PostgresFailure/deadline`` is tried again every second until `wait` has passed.
    private static func connectWhenReady(
        _ url: PostgresDatabaseURL, wait: Duration, logger: Logger,
        _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        let giveUp = ContinuousClock.now + wait
        var warned = false
        while true {
            let connection: PostgresConnection
            do {
                connection = try await PostgresFailure.answering {
                    try await PostgresConnection.connect(
                        configuration: try url.connectionConfiguration(), id: 0, logger: logger)
                }
            } catch let error as StoreError {
                if case .connectionRejected = error { throw error }
                guard ContinuousClock.now < giveUp else {
                    throw StoreError.unavailable(
                        "no answer from \(url.host):\(url.port) in \(wait.components.seconds) s (\(error))")
                }
                if !warned {
                    logger.warning(
                        "the database does not answer yet", metadata: ["error": .string("\(error)")])
                    warned = true
                }
                try await Task.sleep(for: .seconds(1))
                continue
            }
            do {
                try await body(connection)
                try await connection.close()
                return
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    private init(
        client: PostgresPool, url: PostgresDatabaseURL, notifier: JobNotifier, maximumPendingWrites: Int,
        logger: Logger, now: @escaping @Sendable () -> Date
    ) {
        self.client = client
        self.url = url
        self.notifier = notifier
        self.logger = logger
        jobDriver = PostgresJobDriver(client: client, notifier: notifier, logger: logger, now: now)
        jobs = jobDriver
        submissionWriter = PostgresSubmissionWriter(
            client: client, jobDriver: jobDriver, maximumPending: maximumPendingWrites, logger: logger)
        resultWriter = PostgresResultWriter(
            client: client, jobDriver: jobDriver, maximumPending: maximumPendingWrites, logger: logger)
        workReads = RequestBatcher(
            name: "submission_reads", maximumBatch: 256, maximumPending: maximumPendingWrites
        ) { ids in
            do {
                let found = try await Self.submissionWork(ids: ids, client: client, logger: logger)
                return ids.map { found[$0] ?? .success(nil) }
            } catch {
                return ids.map { _ in .failure(error) }
            }
        }
    }

    /// A service that listens for jobs enqueued by any process and wakes this store's workers.
    public func notificationListener() -> PostgresNotificationListener {
        PostgresNotificationListener(url: url, notifier: notifier, logger: logger)
    }

    /// Applies migrations not yet applied; returns their versions.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await PostgresMigrations.apply(url: url, logger: logger)
    }

    public func ping() async throws {
        try await client.rows("SELECT 1", logger: logger)
    }

    /// Runs the connection pool, and the pool that replaces it after an outage, and the
    /// announcements of enqueued jobs, until ``close()`` or cancellation.
    public func run() async {
        async let announcements: Void = jobDriver.announcer.run()
        await client.run()
        jobDriver.announcer.finish()
        await announcements
    }

    public func close() async throws {
        jobDriver.announcer.finish()
        await client.close()
    }

    // MARK: Assessments

    public func insertAssessment(_ assessment: Assessment, at date: Date) async throws {
        let document = String(decoding: try AssayJSON.encoder().encode(assessment), as: UTF8.self)
        let rows = try await client.rows(
            """
            INSERT INTO assessments (id, title, question_count, document, created_at)
            VALUES (\(assessment.id), \(assessment.title), \(assessment.questions.count), \(document)::jsonb, \(date))
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: logger)
        if rows.isEmpty { throw StoreError.assessmentExists(assessment.id) }
    }

    /// One assessment. Assessments never change once stored, so each is read and decoded once per process.
    public func assessment(id: String) async throws -> Assessment? {
        if let cached = assessmentCache.withLock({ $0[id] }) { return cached }
        let rows = try await client.rows(
            "SELECT document::text AS document FROM assessments WHERE id = \(id)", logger: logger)
        guard let row = rows.first else { return nil }
        let assessment = try AssayJSON.decoder().decode(Assessment.self, from: row.textData("document"))
        assessmentCache.withLock { cache in
            if cache.count >= Self.assessmentCacheLimit { cache.removeAll() }
            cache[id] = assessment
        }
        return assessment
    }

    public func listAssessments(limit: Int, offset: Int) async throws -> Page<AssessmentSummary> {
        let rows = try await client.rows(
            """
            SELECT id, title, question_count, created_at, count(*) OVER () AS total FROM assessments
            ORDER BY created_at, id LIMIT \(limit) OFFSET \(offset)
            """, logger: logger)
        let items = try rows.map {
            AssessmentSummary(
                id: try $0.string("id"), title: try $0.string("title"),
                questionCount: try $0.int("question_count"),
                createdAt: try $0.date("created_at"))
        }
        if let total = try rows.first?.int("total") { return Page(items: items, total: total) }
        let count = try await client.rows("SELECT count(*) AS total FROM assessments", logger: logger)
        return Page(items: items, total: try count.first?.int("total") ?? 0)
    }

    // MARK: Submissions

    public func insertSubmission(_ submission: NewSubmission, job: JobRequest) async throws
        -> SubmissionInsertOutcome
    {
        try await submissionWriter.insert(submission, job: job)
    }

    public func submission(id: String) async throws -> SubmissionRecord? {
        try await Self.submissions(
            Self.submissionQuery(id: id), on: { try await client.rows($0, logger: logger) }
        )
        .first
    }

    /// Concurrent calls share one statement.
    public func submissionWork(id: String) async throws -> SubmissionWork? {
        try await workReads.submit(id)
    }

    /// The submissions of `ids` that exist, each decoded alone: a row that does not decode fails
    /// only its own reader.
    private static func submissionWork(ids: [String], client: PostgresPool, logger: Logger) async throws
        -> [String: Result<SubmissionWork?, any Error>]
    {
        let rows = try await client.rows(ReadSubmissionWork(ids: Array(Set(ids))), logger: logger)
        var found: [String: Result<SubmissionWork?, any Error>] = [:]
        for row in rows {
            guard let id = try? row.string("id") else { continue }
            found[id] = Result {
                try SubmissionWork(
                    id: id, assessmentID: try row.string("assessment_id"),
                    content: try row.textData("content"),
                    evaluation: try row.optionalString("evaluation").map { Data($0.utf8) },
                    hasReport: try row["has_report"].decode(Bool.self))
            }
        }
        return found
    }

    /// The statement that reads what the handlers of submissions need: each one's content, its
    /// evaluation and whether it has its report.
    ///
    /// A prepared statement's plan is made once per connection, often while the tables are small
    /// (a new database): the evaluation and the report are looked up in scalar subqueries, which
    /// can only read their primary keys, row by row. A join, or an `EXISTS`, was planned then as a
    /// hash of the whole table, read again at every call as the tables grew: 3.8 ms a call, the
    /// most expensive statement of a submission, after 15 s of a benchmark.
    struct ReadSubmissionWork: PreparedQuery {
        static let sql = ReadSubmissionWork(ids: []).query.sql
        let query: PostgresQuery

        init(ids: [String]) {
            query = """
                SELECT s.id, s.assessment_id, s.content::text AS content,
                       (SELECT e.document::text FROM evaluations e WHERE e.submission_id = s.id) AS evaluation,
                       coalesce((SELECT true FROM reports r WHERE r.submission_id = s.id), false) AS has_report
                FROM submissions s
                WHERE s.id = ANY(\(ids)::text[])
                """
        }
    }

    /// A page of submissions, newest first. Submissions are indexed by status (migration 17), so
    /// a page is read as the newest `offset + limit` of each status asked for (every status, when
    /// the query names none), each a range of the status index (of the assessment's, when it names
    /// one), of which the newest `limit` after `offset` are kept. The filters are bound values,
    /// folded into the plan of this one-off statement. The total is the sum of the exact counts the
    /// writers keep in `submission_counts` (a few slots per status and assessment), never a count
    /// of the matching rows.
    public func listSubmissions(_ query: SubmissionQuery) async throws -> Page<SubmissionRecord> {
        let status = query.status?.rawValue
        let statuses = query.status.map { [$0.rawValue] } ?? SubmissionStatus.allCases.map(\.rawValue)
        let rows = try await client.rows(
            """
            SELECT listed.id, listed.assessment_id, listed.content::text AS content, listed.created_at, listed.status
            FROM unnest(\(statuses)::text[]) AS wanted (status)
            CROSS JOIN LATERAL (
                SELECT * FROM submissions
                WHERE submissions.status = wanted.status
                  AND (\(query.assessmentID)::text IS NULL OR assessment_id = \(query.assessmentID)::text)
                ORDER BY created_at DESC, id LIMIT \(query.offset + query.limit)
            ) AS listed
            ORDER BY listed.created_at DESC, listed.id LIMIT \(query.limit) OFFSET \(query.offset)
            """, logger: logger)
        let count = try await client.rows(
            """
            SELECT coalesce(sum(total), 0)::bigint AS total FROM submission_counts
            WHERE (\(query.assessmentID)::text IS NULL OR assessment_id = \(query.assessmentID)::text)
              AND (\(status)::text IS NULL OR status = \(status)::text)
            """, logger: logger)
        return Page(items: try rows.map(Self.submission(from:)), total: try count.first?.int("total") ?? 0)
    }

    /// The columns of a submission, as ``submission(from:)`` reads them; `status` is kept by
    /// triggers (``SubmissionStatusSQL``).
    static let columns = "id, assessment_id, content::text AS content, created_at, status"

    static func submissionQuery(id: String) -> PostgresQuery {
        "SELECT \(unescaped: columns) FROM submissions WHERE id = \(id)"
    }

    static func submissions(
        _ query: PostgresQuery, on run: (PostgresQuery) async throws -> [PostgresRandomAccessRow]
    ) async throws -> [SubmissionRecord] {
        try await run(query).map(submission(from:))
    }

    private static func submission(from row: PostgresRandomAccessRow) throws -> SubmissionRecord {
        SubmissionRecord(
            id: try row.string("id"), assessmentID: try row.string("assessment_id"),
            content: try AssayJSON.decode(SubmissionContent.self, from: row.textData("content")),
            status: SubmissionStatus(rawValue: try row.string("status")) ?? .queued,
            createdAt: try row.date("created_at"))
    }

    // MARK: Evaluations and reports

    public func insertEvaluation(
        _ evaluation: EncodedEvaluation, report: EncodedReport?, job: JobRequest, completing lease: JobLease?
    ) async throws -> Bool {
        try await resultWriter.insert(evaluation, report: report, job: job, completing: lease)
    }

    public func evaluation(submissionID: String) async throws -> Evaluation? {
        let rows = try await client.rows(
            "SELECT document::text AS document FROM evaluations WHERE submission_id = \(submissionID)",
            logger: logger)
        return try rows.first.map {
            try AssayJSON.decode(Evaluation.self, from: $0.textData("document"))
        }
    }

    public func insertReport(_ report: EncodedReport, completing lease: JobLease?) async throws -> Bool {
        try await resultWriter.insert(report, completing: lease)
    }

    public func report(submissionID: String) async throws -> Report? {
        let rows = try await client.rows(
            "SELECT document::text AS document FROM reports WHERE submission_id = \(submissionID)",
            logger: logger)
        return try rows.first.map {
            try AssayJSON.decoder().decode(Report.self, from: $0.textData("document"))
        }
    }
}
