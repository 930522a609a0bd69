import AssayCore
import Foundation
import JobQueue
import Logging
import PostgresNIO
import Synchronization

/// Stores submissions with their scoring jobs on PostgreSQL, many requests to one transaction.
///
/// Submissions that arrive together are written by one `unnest` statement that inserts them and
/// their jobs, most often its own transaction (``SubmissionBatch`` has the rules). A batch written
/// again after a failure that came once its commit had succeeded finds its submissions stored and
/// returns them, with no second job.
///
/// One batch is written at a time. With two in flight (as when a batch took a transaction of four
/// round trips), each took half the submissions waiting: at 16 connections, over eight alternated
/// pairs of `scripts/bench-postgres-cpu`-like runs, one at a time served 13 % more submissions a
/// second (median; 0.96× to 1.37×), with 20 % less of PostgreSQL's CPU time and 10 % less of the
/// server's a submission: fewer commits, each flushing the log once for twice the submissions.
final class PostgresSubmissionWriter: Sendable {
    private let batcher: TransactionBatcher<PendingSubmission, SubmissionInsertOutcome>

    init(client: PostgresPool, jobDriver: PostgresJobDriver, maximumPending: Int, logger: Logger) {
        let known = KnownAssessments()
        batcher = TransactionBatcher(
            name: "submissions", maximumPending: maximumPending,
            write: { batch in
                try await Self.insert(
                    batch, client: client, jobDriver: jobDriver, known: known, logger: logger)
            },
            afterCommit: { batch, results in
                for queue in SubmissionBatch.queuesToWake(batch, results) {
                    jobDriver.announcer.announce(queue: queue)
                }
            })
    }

    func insert(_ submission: NewSubmission, job: JobRequest) async throws -> SubmissionInsertOutcome {
        try await batcher.submit(PendingSubmission(submission, job: job))
    }

    /// Stores a batch. A batch that holds no idempotency key, all of whose assessments are known to
    /// exist, needs no look-up first: its one statement, run on its own (a statement is a
    /// transaction), stores it in one round trip, where a transaction of ours takes four (`BEGIN`,
    /// the statement, `COMMIT`, and the look-ups when needed). Any submission it did not insert
    /// (its id is stored already: its batch is written again after a failure that came once the
    /// commit had succeeded) then goes the general way, which tells why.
    private static func insert(
        _ batch: [PendingSubmission], client: PostgresPool, jobDriver: PostgresJobDriver,
        known: KnownAssessments,
        logger: Logger
    ) async throws -> [Result<SubmissionInsertOutcome, any Error>] {
        var results: [Result<SubmissionInsertOutcome, any Error>?] = Array(repeating: nil, count: batch.count)
        var rest = Array(batch.indices)
        if batch.allSatisfy({ $0.submission.idempotencyKey == nil }),
            known.containsAll(batch.map(\.submission.assessmentID))
        {
            let rows = try await client.committing(
                InsertSubmissions(batch, now: jobDriver.now()), logger: logger)
            let inserted = Set(try rows.map { try $0.string("id") })
            for (index, pending) in batch.enumerated() where inserted.contains(pending.submission.id) {
                results[index] = .success(.created(SubmissionBatch.record(of: pending)))
            }
            rest = rest.filter { results[$0] == nil }
        }
        if !rest.isEmpty {
            let others = rest.map { batch[$0] }
            let outcomes = try await client.transaction(logger: logger) { connection in
                try await SubmissionBatch.insert(
                    others,
                    in: Transaction(
                        connection: connection, jobDriver: jobDriver, known: known, logger: logger))
            }
            for (index, result) in zip(rest, outcomes) { results[index] = result }
        }
        return results.map { $0 ?? .failure(StoreError.unavailable("submission was not stored")) }
    }

    /// Assessments seen to exist: they are never deleted, so each is looked up once per process.
    private final class KnownAssessments: Sendable {
        private let ids = Mutex<Set<String>>([])
        func filter(_ candidates: [String]) -> (known: Set<String>, unknown: [String]) {
            ids.withLock { ids in
                (Set(candidates.filter(ids.contains)), candidates.filter { !ids.contains($0) })
            }
        }
        func containsAll(_ candidates: [String]) -> Bool {
            ids.withLock { ids in candidates.allSatisfy(ids.contains) }
        }
        func add(_ found: Set<String>) {
            ids.withLock { ids in
                if ids.count > 10_000 { ids.removeAll() }
                ids.formUnion(found)
            }
        }
    }

    private struct Transaction: SubmissionBatchTransaction {
        let connection: PostgresConnection
        let jobDriver: PostgresJobDriver
        let known: KnownAssessments
        let logger: Logger

        func existingAssessments(_ ids: [String]) async throws -> Set<String> {
            let (seen, unknown) = known.filter(ids)
            guard !unknown.isEmpty else { return seen }
            let rows = try await connection.rows(
                "SELECT id FROM assessments WHERE id = ANY(\(unknown)::text[])", logger: logger)
            let found = Set(try rows.map { try $0.string("id") })
            known.add(found)
            return seen.union(found)
        }

        func submissions(idempotencyKeys keys: [String]) async throws -> [String: (
            id: String, fingerprint: String?
        )] {
            let rows = try await connection.rows(
                """
                SELECT id, idempotency_key, request_fingerprint FROM submissions
                WHERE idempotency_key = ANY(\(keys)::text[])
                """, logger: logger)
            var found: [String: (id: String, fingerprint: String?)] = [:]
            for row in rows {
                found[try row.string("idempotency_key")] = (
                    try row.string("id"), try row.optionalString("request_fingerprint")
                )
            }
            return found
        }

        func insertSubmissions(_ batch: [PendingSubmission]) async throws -> Set<String> {
            let rows = try await connection.rows(
                InsertSubmissions(batch, now: jobDriver.now()), logger: logger)
            return Set(try rows.map { try $0.string("id") })
        }

        func submission(id: String) async throws -> SubmissionRecord? {
            try await PostgresStore.submissions(
                PostgresStore.submissionQuery(id: id), on: { try await connection.rows($0, logger: logger) }
            ).first
        }
    }

    /// The statement that inserts submissions, each unless its id or idempotency key is taken, with
    /// the status its job starts it in, counts them (``PostgresMigrations/statusesKeptByWriters``:
    /// the transaction's triggers stay quiet, since it writes only new submissions and their new
    /// jobs), inserts the job of each one inserted, and returns the ids of those inserted.
    struct InsertSubmissions: PreparedQuery {
        static let sql = InsertSubmissions([], now: .distantPast).query.sql
        let query: PostgresQuery

        init(_ batch: [PendingSubmission], now: Date) {
            let submissions = batch.map(\.submission)
            let jobs = batch.map { $0.job.makeJob(now: now) }
            query = """
                WITH inserted AS (
                INSERT INTO submissions (id, assessment_id, content, idempotency_key, request_fingerprint, created_at,
                                         status)
                SELECT id, assessment_id, content::json, NULLIF(idempotency_key, ''), NULLIF(fingerprint, ''), created_at,
                       status
                FROM unnest(\(submissions.map(\.id))::text[], \(submissions.map(\.assessmentID))::text[],
                            \(batch.map { String(decoding: $0.content, as: UTF8.self) })::text[],
                            \(submissions.map { $0.idempotencyKey ?? "" })::text[],
                            \(submissions.map { $0.requestFingerprint ?? "" })::text[],
                            \(submissions.map(\.createdAt))::timestamptz[],
                            \(batch.map(\.initialStatus.rawValue))::text[])
                    AS t(id, assessment_id, content, idempotency_key, fingerprint, created_at, status)
                WHERE \(unescaped: PostgresMigrations.keepStatuses)
                ON CONFLICT DO NOTHING
                RETURNING id, status, assessment_id
                ), counted AS (
                    INSERT INTO submission_counts AS c (status, assessment_id, slot, total)
                    SELECT status, assessment_id, held.slot, count(*)
                    FROM inserted CROSS JOIN (SELECT submission_count_slot() AS slot) AS held
                    GROUP BY 1, 2, 3 ORDER BY 1, 2
                    ON CONFLICT (status, assessment_id, slot) DO UPDATE SET total = c.total + excluded.total
                ), requested AS (
                    SELECT t.*, \(now)::timestamptz AS enqueued_at
                    FROM unnest(\(arraysOf: jobs),
                                \(submissions.map(\.id))::text[])
                        AS t(\(unescaped: PostgresJobDriver.requestedColumns), submission_id)
                    WHERE t.submission_id IN (SELECT id FROM inserted)
                ), enqueued AS (
                    \(unescaped: PostgresJobDriver.insertRequested)
                )
                SELECT id FROM inserted
                """
        }
    }
}
