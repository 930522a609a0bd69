import AssayCore
import Foundation
import JobQueue

/// Stores evaluations (with their report jobs, or the reports built with them) and reports, once
/// each, many to one transaction, and completes the jobs that made them in the same transaction
/// when their leases still hold.
final class SQLiteResultWriter: Sendable {
    private let evaluations: TransactionBatcher<PendingEvaluation, Bool>
    private let reports: TransactionBatcher<PendingReport, Bool>

    init(pool: SQLiteConnectionPool, jobDriver: SQLiteJobDriver, maximumPending: Int) {
        evaluations = TransactionBatcher(
            name: "evaluations", maximumPending: maximumPending,
            write: { batch in
                try await pool.transaction { connection in
                    // Reports first: a submission whose report is stored is completed, and the
                    // status triggers after the evaluations' insert and the completion stop there.
                    try Self.insert(batch.reports, on: connection)
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
                for queue in batch.queuesToWake { jobDriver.notifier.notify(queue: queue) }
            })
        reports = TransactionBatcher(name: "reports", maximumPending: maximumPending) { batch in
            try await pool.transaction { connection in
                try Self.insert(batch.map(\.report), on: connection)
                let completed = try jobDriver.complete(batch.leases, on: connection)
                return batch.answers(completed: completed)
            }
        }
    }

    /// Stores the reports, each unless its submission has one.
    private static func insert(_ reports: [EncodedReport], on connection: isolated SQLiteConnection) throws {
        guard !reports.isEmpty else { return }
        let rows = reports.map { report -> SQLiteQuery in
            "(\(report.submissionID), \(json: report.document), \(report.generatedAt))"
        }
        try connection.run(
            """
            INSERT INTO reports (submission_id, document, created_at) VALUES \(SQLiteQuery.joined(rows))
            ON CONFLICT (submission_id) DO NOTHING
            """)
    }

    /// Stores the evaluation unless one exists (and the report with it, if given, unless one
    /// exists), enqueues `job` (de-duplicated) and completes the job of `lease` if it still holds,
    /// in one transaction; returns whether it completed it.
    func insert(
        _ evaluation: EncodedEvaluation, report: EncodedReport?, job: JobRequest, completing lease: JobLease?
    ) async throws -> Bool {
        try await evaluations.submit(
            PendingEvaluation(evaluation, report: report, job: job, completing: lease))
    }

    /// Stores the report unless one exists and completes the job of `lease` if it still holds, in
    /// one transaction; returns whether it completed it.
    func insert(_ report: EncodedReport, completing lease: JobLease?) async throws -> Bool {
        try await reports.submit(PendingReport(report, completing: lease))
    }
}
