import AssayCore
import Foundation
import JobQueue

/// Stores submissions with their scoring jobs on SQLite, many requests to one transaction.
///
/// Submissions that arrive together are written by one `BEGIN IMMEDIATE` transaction with one
/// multi-row insert for the submissions and one for their jobs (``SubmissionBatch`` has the rules).
final class SQLiteSubmissionWriter: Sendable {
    private let batcher: TransactionBatcher<PendingSubmission, SubmissionInsertOutcome>

    init(pool: SQLiteConnectionPool, jobDriver: SQLiteJobDriver, maximumPending: Int) {
        batcher = TransactionBatcher(
            name: "submissions", maximumPending: maximumPending,
            write: { batch in
                try await pool.transaction { connection in
                    try await SubmissionBatch.insert(
                        batch, in: Transaction(connection: connection, jobDriver: jobDriver))
                }
            },
            afterCommit: { batch, results in
                for queue in SubmissionBatch.queuesToWake(batch, results) {
                    jobDriver.notifier.notify(queue: queue)
                }
            })
    }

    func insert(_ submission: NewSubmission, job: JobRequest) async throws -> SubmissionInsertOutcome {
        try await batcher.submit(PendingSubmission(submission, job: job))
    }

    private struct Transaction: SubmissionBatchTransaction {
        let connection: SQLiteConnection
        let jobDriver: SQLiteJobDriver

        nonisolated(nonsending) func existingAssessments(_ ids: [String]) async throws -> Set<String> {
            let rows = try await connection.run(
                "SELECT id FROM assessments WHERE id IN (\(SQLiteQuery.joined(ids.map { "\($0)" })))")
            return Set(rows.compactMap { $0.string("id") })
        }

        nonisolated(nonsending) func submissions(idempotencyKeys keys: [String]) async throws -> [String: (
            id: String, fingerprint: String?
        )] {
            let rows = try await connection.run(
                """
                SELECT id, idempotency_key, request_fingerprint FROM submissions
                WHERE idempotency_key IN (\(SQLiteQuery.joined(keys.map { "\($0)" })))
                """)
            var found: [String: (id: String, fingerprint: String?)] = [:]
            for row in rows {
                guard let key = row.string("idempotency_key"), let id = row.string("id") else { continue }
                found[key] = (id, row.string("request_fingerprint"))
            }
            return found
        }

        nonisolated(nonsending) func insertSubmissions(_ batch: [PendingSubmission]) async throws -> Set<
            String
        > {
            let rows = batch.map { pending -> SQLiteQuery in
                let submission = pending.submission
                return """
                    (\(submission.id), \(submission.assessmentID), \(json: pending.content),
                     \(submission.idempotencyKey), \(submission.requestFingerprint), \(submission.createdAt),
                     \(pending.initialStatus.rawValue))
                    """
            }
            let inserted = try await connection.run(
                """
                INSERT INTO submissions (id, assessment_id, content, idempotency_key, request_fingerprint, created_at,
                                         status)
                VALUES \(SQLiteQuery.joined(rows))
                ON CONFLICT DO NOTHING
                RETURNING id
                """)
            let ids = Set(inserted.compactMap { $0.string("id") })
            _ = try await jobDriver.enqueue(
                batch.filter { ids.contains($0.submission.id) }.map(\.job), on: connection)
            return ids
        }

        nonisolated(nonsending) func submission(id: String) async throws -> SubmissionRecord? {
            try await SQLiteStore.submission(id: id) { try await connection.run($0) }
        }
    }
}
