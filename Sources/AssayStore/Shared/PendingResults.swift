import AssayCore
import Foundation
import JobQueue

/// An evaluation waiting in a batch, its document encoded, with the report job it starts and the
/// lease of the scoring job to complete with it, if any.
struct PendingEvaluation: Sendable {
    var evaluation: Evaluation
    var document: Data
    var job: JobRequest
    var lease: JobLease?

    init(_ evaluation: Evaluation, job: JobRequest, completing lease: JobLease?) throws {
        self.evaluation = evaluation
        document = try AssayJSON.encode(evaluation)
        self.job = job
        self.lease = lease
    }
}

/// A report waiting in a batch, its document encoded, with the lease of the report job to
/// complete with it, if any.
struct PendingReport: Sendable {
    var report: Report
    var document: Data
    var lease: JobLease?

    init(_ report: Report, completing lease: JobLease?) throws {
        self.report = report
        document = try AssayJSON.encode(report)
        self.lease = lease
    }
}
