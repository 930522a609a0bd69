import AssayCore
import Foundation
import JobQueue

/// An evaluation waiting in a batch, its document encoded, with the report job it starts (or the
/// report built with it, and its report job as ran inline) and the lease of the scoring job to
/// complete with it, if any.
struct PendingEvaluation: PendingResult {
    var evaluation: EncodedEvaluation
    var report: EncodedReport?
    var job: JobRequest
    var lease: JobLease?

    init(
        _ evaluation: EncodedEvaluation, report: EncodedReport?, job: JobRequest, completing lease: JobLease?
    ) {
        self.evaluation = evaluation
        self.report = report
        self.job = job
        self.lease = lease
    }
}

/// A report waiting in a batch, its document encoded, with the lease of the report job to
/// complete with it, if any.
struct PendingReport: PendingResult {
    var report: EncodedReport
    var lease: JobLease?

    init(_ report: EncodedReport, completing lease: JobLease?) {
        self.report = report
        self.lease = lease
    }
}

/// A result waiting in a batch with the lease of the job that made it, which its transaction
/// completes when the lease still holds.
protocol PendingResult: Sendable {
    var lease: JobLease? { get }
}

extension Array where Element: PendingResult {
    /// The leases of the batch's results that came with one, to complete in its transaction.
    var leases: [JobLease] { compactMap(\.lease) }

    /// Each result's answer: whether its transaction completed its job, whose id is then among
    /// `completed`.
    func answers(completed: Set<String>) -> [Result<Bool, any Error>] {
        map { pending in .success(pending.lease.map { completed.contains($0.jobID) } ?? false) }
    }
}

extension Array where Element == PendingEvaluation {
    /// The queues of the batch's jobs that wait for a worker, to wake once it committed.
    var queuesToWake: Set<String> { Set(filter { !$0.job.ranInline }.map(\.job.queue)) }

    /// The reports built with the batch's evaluations.
    var reports: [EncodedReport] { compactMap(\.report) }
}
