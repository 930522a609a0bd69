import AssayCore
import Foundation
import JobQueue

/// Stores evaluations (with their report jobs) and reports, once each, many to one transaction.
final class SQLiteResultWriter: Sendable {
    private let evaluations: TransactionBatcher<PendingEvaluation, Void>
    private let reports: TransactionBatcher<PendingReport, Void>

    init(pool: SQLiteConnectionPool, jobDriver: SQLiteJobDriver, maximumPending: Int) {
        evaluations = TransactionBatcher(
            name: "evaluations", maximumPending: maximumPending,
            write: { batch in
                try await pool.transaction { connection in
                    let rows = batch.map { pending -> SQLiteQuery in
                        "(\(pending.evaluation.submissionID), \(json: pending.document), \(pending.evaluation.evaluatedAt))"
                    }
                    try connection.run(
                        """
                        INSERT INTO evaluations (submission_id, document, created_at) VALUES \(SQLiteQuery.joined(rows))
                        ON CONFLICT (submission_id) DO NOTHING
                        """)
                    _ = try jobDriver.enqueue(batch.map(\.job), on: connection)
                    return batch.map { _ in .success(()) }
                }
            },
            afterCommit: { batch, _ in
                for queue in Set(batch.map(\.job.queue)) { jobDriver.notifier.notify(queue: queue) }
            })
        reports = TransactionBatcher(name: "reports", maximumPending: maximumPending) { batch in
            try await pool.transaction { connection in
                let rows = batch.map { pending -> SQLiteQuery in
                    "(\(pending.report.submissionID), \(json: pending.document), \(pending.report.generatedAt))"
                }
                try connection.run(
                    """
                    INSERT INTO reports (submission_id, document, created_at) VALUES \(SQLiteQuery.joined(rows))
                    ON CONFLICT (submission_id) DO NOTHING
                    """)
                return batch.map { _ in .success(()) }
            }
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
