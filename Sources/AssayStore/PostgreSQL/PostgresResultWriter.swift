import AssayCore
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// Stores evaluations (with their report jobs, or the reports built with them) and reports on
/// PostgreSQL, once each, many to one transaction, and completes the jobs that made them in the
/// same transaction when their leases still hold.
///
/// At most 64 results go in a transaction: against 256, a worker's drain runs as fast or faster
/// (2,830-3,090 jobs/s against 2,420-2,900) and peaks about 4 MB lower, since every connection's
/// message buffer grows to the largest batch it has sent. Evaluations are written one batch at a
/// time: stored by one call (``StoreResults``), a batch is written so soon that with two in
/// flight `serve`'s batches were half as large (7 results a call instead of 15, at 16
/// connections) and PostgreSQL spent more a submission; with one, as little as before the call,
/// and a worker's drain spends less.
final class PostgresResultWriter: Sendable {
    private static let maximumBatch = 64

    private let evaluations: TransactionBatcher<PendingEvaluation, Bool>
    private let reports: TransactionBatcher<PendingReport, Bool>

    init(client: PostgresPool, jobDriver: PostgresJobDriver, maximumPending: Int, logger: Logger) {
        evaluations = TransactionBatcher(
            name: "evaluations", maximumBatch: Self.maximumBatch, maximumPending: maximumPending, flushes: 1,
            write: { batch in
                // A batch whose every evaluation comes with its report, its report job run inline,
                // is stored by one call; one with evaluations left to report jobs, by a transaction
                // in which the status triggers derive each submission's status.
                if batch.allSatisfy({ $0.report != nil && $0.job.ranInline }) {
                    let completed = try await StoreResults(batch, now: jobDriver.now()).run(
                        on: client, logger: logger)
                    return batch.answers(completed: completed)
                }
                return try await client.transaction(logger: logger) { connection in
                    // Reports first: the status refreshes after the statements that follow see a
                    // submission with its report as completed and stop there.
                    let reports = batch.reports
                    if !reports.isEmpty {
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
            let completed = try await StoreResults(batch, now: jobDriver.now()).run(
                on: client, logger: logger)
            return batch.answers(completed: completed)
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

    /// Inserts JSON documents into `table` (`evaluations` or `reports`, which share their columns),
    /// each unless its submission has one.
    private static func insertion(
        into table: String, submissionIDs: [String], documents: [Data], createdAt: [Date]
    ) -> PostgresQuery {
        """
        INSERT INTO \(unescaped: table) (submission_id, document, created_at)
        SELECT submission_id, document::json, created_at
        FROM unnest(\(submissionIDs)::text[], \(documents.map { String(decoding: $0, as: UTF8.self) })::text[],
                    \(createdAt)::timestamptz[])
            AS t(submission_id, document, created_at)
        ON CONFLICT (submission_id) DO NOTHING
        """
    }

    /// The call that stores a batch of results whose every one completes its submission (reports,
    /// or evaluations each with its report, its report job run inline), counts those jobs among
    /// their queue's completions, and completes the jobs that made the results, in one round trip
    /// (``PostgresMigrations/resultsInOneCall``); it returns the ids of the jobs completed.
    struct StoreResults: PreparedQuery {
        static let sql = StoreResults(reports: [], evaluations: [], inline: [], leases: [], now: .distantPast)
            .query.sql
        let query: PostgresQuery

        init(
            reports: [EncodedReport], evaluations: [EncodedEvaluation], inline: [JobRequest],
            leases: [JobLease], now: Date
        ) {
            query = """
                SELECT completed.id
                FROM store_results(
                    \(reports.map(\.submissionID))::text[], \(reports.map { String(decoding: $0.document, as: UTF8.self) })::text[],
                    \(reports.map(\.generatedAt))::timestamptz[],
                    \(evaluations.map(\.submissionID))::text[],
                    \(evaluations.map { String(decoding: $0.document, as: UTF8.self) })::text[],
                    \(evaluations.map(\.evaluatedAt))::timestamptz[],
                    \(inline.map(\.queue))::text[], \(inline.map { $0.dedupeKey ?? "" })::text[],
                    \(leases.map(\.jobID))::text[], \(leases.map(\.attempt))::int8[], \(leases.map(\.owner))::text[],
                    \(now)::timestamptz) AS completed(id)
                """
        }

        /// Evaluations, each with its report and its report job run inline.
        init(_ batch: [PendingEvaluation], now: Date) {
            self.init(
                reports: batch.reports, evaluations: batch.map(\.evaluation), inline: batch.map(\.job),
                leases: batch.leases, now: now)
        }

        /// Reports.
        init(_ batch: [PendingReport], now: Date) {
            self.init(
                reports: batch.map(\.report), evaluations: [], inline: [], leases: batch.leases, now: now)
        }

        /// Runs the call, its own transaction; returns the ids of the jobs it completed.
        func run(on client: PostgresPool, logger: Logger) async throws -> Set<String> {
            Set(try await client.committing(self, logger: logger).map { try $0.string("id") })
        }
    }
}
