import AssayCore
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// Stores evaluations (with their report jobs) and reports on PostgreSQL, once each, many to one transaction.
final class PostgresResultWriter: Sendable {
    private let evaluations: TransactionBatcher<PendingEvaluation, Void>
    private let reports: TransactionBatcher<PendingReport, Void>

    init(client: PostgresPool, jobDriver: PostgresJobDriver, maximumPending: Int, logger: Logger) {
        evaluations = TransactionBatcher(
            name: "evaluations", maximumPending: maximumPending, flushes: 2,
            write: { batch in
                try await client.transaction(logger: logger) { connection in
                    try await connection.query(
                        """
                        INSERT INTO evaluations (submission_id, document, created_at)
                        SELECT submission_id, document::jsonb, created_at
                        FROM unnest(\(batch.map(\.evaluation.submissionID))::text[], \(batch.map { String(decoding: $0.document, as: UTF8.self) })::text[],
                                    \(batch.map(\.evaluation.evaluatedAt))::timestamptz[])
                            AS t(submission_id, document, created_at)
                        ON CONFLICT (submission_id) DO NOTHING
                        """, logger: logger)
                    _ = try await jobDriver.enqueue(batch.map(\.job), on: connection)
                    return batch.map { _ in .success(()) }
                }
            },
            afterCommit: { batch, _ in
                for queue in Set(batch.map(\.job.queue)) { jobDriver.announcer.announce(queue: queue) }
            })
        reports = TransactionBatcher(name: "reports", maximumPending: maximumPending, flushes: 2) { batch in
            try await client.rows(
                """
                INSERT INTO reports (submission_id, document, created_at)
                SELECT submission_id, document::jsonb, created_at
                FROM unnest(\(batch.map(\.report.submissionID))::text[], \(batch.map { String(decoding: $0.document, as: UTF8.self) })::text[],
                            \(batch.map(\.report.generatedAt))::timestamptz[])
                    AS t(submission_id, document, created_at)
                ON CONFLICT (submission_id) DO NOTHING
                """, logger: logger)
            return batch.map { _ in .success(()) }
        }
    }

    /// Stores the evaluation unless one exists, and enqueues `job` (de-duplicated) in the same transaction.
    func insert(_ evaluation: Evaluation, job: JobRequest) async throws {
        try await evaluations.submit(PendingEvaluation(evaluation, job: job))
    }

    /// Stores the report unless one exists.
    func insert(_ report: Report) async throws {
        try await reports.submit(PendingReport(report))
    }
}
