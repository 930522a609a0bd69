import AssayCore
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// Stores evaluations (with their report jobs, or the reports built with them) and reports on
/// PostgreSQL, once each, many to one transaction, and completes the jobs that made them in the
/// same transaction when their leases still hold.
///
/// At most 64 results go in a transaction, two transactions at a time: against 256, a worker's
/// drain runs as fast or faster (2,830-3,090 jobs/s against 2,420-2,900) and peaks about 4 MB
/// lower, since every connection's message buffer grows to the largest batch it has sent.
final class PostgresResultWriter: Sendable {
    private static let maximumBatch = 64

    private let evaluations: TransactionBatcher<PendingEvaluation, Bool>
    private let reports: TransactionBatcher<PendingReport, Bool>

    init(client: PostgresPool, jobDriver: PostgresJobDriver, maximumPending: Int, logger: Logger) {
        evaluations = TransactionBatcher(
            name: "evaluations", maximumBatch: Self.maximumBatch, maximumPending: maximumPending, flushes: 2,
            write: { batch in
                try await client.transaction(logger: logger) { connection in
                    // Reports first: a submission whose report is stored is completed, and the
                    // status refreshes after the evaluations' insert and the completion stop there.
                    // With a report for every evaluation, the reports' statement makes their
                    // submissions completed and the transaction's triggers quiet; with some left
                    // to report jobs, the triggers derive each status.
                    let reports = batch.reports
                    if reports.count == batch.count {
                        try await connection.rows(InsertReportsCompletingSubmissions(reports), logger: logger)
                    } else if !reports.isEmpty {
                        try await connection.rows(InsertReports(reports), logger: logger)
                    }
                    try await connection.rows(
                        InsertEvaluations(batch.map(\.evaluation)), logger: logger)
                    _ = try await jobDriver.enqueue(batch.map(\.job), on: connection)
                    let completed = try await jobDriver.complete(batch.leases, on: connection)
                    return batch.answers(completed: completed)
                }
            },
            afterCommit: { batch, _ in
                for queue in batch.queuesToWake { jobDriver.announcer.announce(queue: queue) }
            })
        reports = TransactionBatcher(
            name: "reports", maximumBatch: Self.maximumBatch, maximumPending: maximumPending, flushes: 2
        ) { batch in
            try await client.transaction(logger: logger) { connection in
                try await connection.rows(
                    InsertReportsCompletingSubmissions(batch.map(\.report)), logger: logger)
                let completed = try await jobDriver.complete(batch.leases, on: connection)
                return batch.answers(completed: completed)
            }
        }
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

    /// The statement that stores evaluations, each unless its submission has one.
    struct InsertEvaluations: PreparedQuery {
        static let sql = InsertEvaluations([]).query.sql
        let query: PostgresQuery

        init(_ evaluations: [EncodedEvaluation]) {
            query = insertion(
                into: "evaluations", submissionIDs: evaluations.map(\.submissionID),
                documents: evaluations.map(\.document), createdAt: evaluations.map(\.evaluatedAt))
        }
    }

    /// The statement that stores reports, each unless its submission has one.
    struct InsertReports: PreparedQuery {
        static let sql = InsertReports([]).query.sql
        let query: PostgresQuery

        init(_ reports: [EncodedReport]) {
            query = insertion(
                into: "reports", submissionIDs: reports.map(\.submissionID),
                documents: reports.map(\.document),
                createdAt: reports.map(\.generatedAt))
        }
    }

    /// The statement that stores reports, each unless its submission has one, and makes their
    /// submissions `completed` itself, counted, with the transaction's triggers quiet from then on
    /// (``PostgresMigrations/statusesKeptByWriters``): for a transaction whose other writes are
    /// the reports' evaluations, jobs completed and report jobs run inline.
    struct InsertReportsCompletingSubmissions: PreparedQuery {
        static let sql = InsertReportsCompletingSubmissions([]).query.sql
        let query: PostgresQuery

        init(_ reports: [EncodedReport]) {
            query = insertion(
                into: "reports", submissionIDs: reports.map(\.submissionID),
                documents: reports.map(\.document),
                createdAt: reports.map(\.generatedAt), completingSubmissions: true)
        }
    }

    /// Inserts JSON documents into `table` (`evaluations` or `reports`, which share their columns),
    /// each unless its submission has one; `completingSubmissions`, reports that complete their
    /// submissions themselves.
    private static func insertion(
        into table: String, submissionIDs: [String], documents: [Data], createdAt: [Date],
        completingSubmissions: Bool = false
    ) -> PostgresQuery {
        """
        \(unescaped: completingSubmissions ? "WITH inserted AS (" : "")
        INSERT INTO \(unescaped: table) (submission_id, document, created_at)
        SELECT submission_id, document::json, created_at
        FROM unnest(\(submissionIDs)::text[], \(documents.map { String(decoding: $0, as: UTF8.self) })::text[],
                    \(createdAt)::timestamptz[])
            AS t(submission_id, document, created_at)
        \(unescaped: completingSubmissions ? "WHERE \(PostgresMigrations.keepStatuses)" : "")
        ON CONFLICT (submission_id) DO NOTHING
        \(unescaped: completingSubmissions ? "RETURNING submission_id) SELECT complete_submissions(ARRAY(SELECT submission_id FROM inserted))" : "")
        """
    }
}
