import AssayCore
import Foundation
import JobQueue

/// Stores evaluations (with their report jobs) and reports, once each, many to one transaction,
/// and completes the jobs that made them in the same transaction when their leases still hold.
final class SQLiteResultWriter: Sendable {
    private let evaluations: TransactionBatcher<PendingEvaluation, Bool>
    private let reports: TransactionBatcher<PendingReport, Bool>

    init(pool: SQLiteConnectionPool, jobDriver: SQLiteJobDriver, maximumPending: Int) {
        evaluations = TransactionBatcher(
            name: "evaluations", maximumPending: maximumPending,
            write: { batch in
                try await pool.transaction { connection in
                    let rows = batch.map { pending -> SQLiteQuery in
                        "(\(pending.evaluation.submissionID), \(json: pending.evaluation.document), \(pending.evaluation.evaluatedAt))"
                    }
                    try connection.run(
                        """
                        INSERT INTO evaluations (submission_id, document, created_at) VALUES \(SQLiteQuery.joined(rows))
                        ON CONFLICT (submission_id) DO NOTHING
                        """)
                    _ = try jobDriver.enqueue(batch.map(\.job), on: connection)
                    let completed = try jobDriver.complete(batch.leases, on: connection)
                    return batch.answers(completed: completed)
                }
            },
            afterCommit: { batch, _ in
                for queue in Set(batch.map(\.job.queue)) { jobDriver.notifier.notify(queue: queue) }
            })
        reports = TransactionBatcher(name: "reports", maximumPending: maximumPending) { batch in
            try await pool.transaction { connection in
                let rows = batch.map { pending -> SQLiteQuery in
                    "(\(pending.report.submissionID), \(json: pending.report.document), \(pending.report.generatedAt))"
                }
                try connection.run(
                    """
                    INSERT INTO reports (submission_id, document, created_at) VALUES \(SQLiteQuery.joined(rows))
                    ON CONFLICT (submission_id) DO NOTHING
                    """)
                let completed = try jobDriver.complete(batch.leases, on: connection)
                return batch.answers(completed: completed)
            }
        }
    }

    /// Stores the evaluation unless one exists, enqueues `job` (de-duplicated) and completes the
    /// job of `lease` if it still holds, in one transaction; returns whether it completed it.
    func insert(_ evaluation: EncodedEvaluation, job: JobRequest, completing lease: JobLease?) async throws
        -> Bool
    {
        try await evaluations.submit(PendingEvaluation(evaluation, job: job, completing: lease))
    }

    /// Stores the report unless one exists and completes the job of `lease` if it still holds, in
    /// one transaction; returns whether it completed it.
    func insert(_ report: EncodedReport, completing lease: JobLease?) async throws -> Bool {
        try await reports.submit(PendingReport(report, completing: lease))
    }
}
