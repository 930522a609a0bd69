import AssayCore
import Foundation
import JobQueue

/// An evaluation waiting in a batch, its document encoded, with the report job it starts.
struct PendingEvaluation: Sendable {
    var evaluation: Evaluation
    var document: Data
    var job: JobRequest

    init(_ evaluation: Evaluation, job: JobRequest) throws {
        self.evaluation = evaluation
        document = try AssayJSON.encode(evaluation)
        self.job = job
    }
}

/// A report waiting in a batch, its document encoded.
struct PendingReport: Sendable {
    var report: Report
    var document: Data

    init(_ report: Report) throws {
        self.report = report
        document = try AssayJSON.encode(report)
    }
}
