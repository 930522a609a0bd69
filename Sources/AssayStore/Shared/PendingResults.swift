import AssayCore
import Foundation
import JobQueue

/// An evaluation waiting in a batch, its document encoded, with the report job it starts.
struct PendingEvaluation: Sendable {
    var evaluation: Evaluation
    var document: Data
    var job: JobRequest
}

/// A report waiting in a batch, its document encoded.
struct PendingReport: Sendable {
    var report: Report
    var document: Data
}
