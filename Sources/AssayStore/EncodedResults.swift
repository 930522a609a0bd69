import AssayCore
import Foundation

/// An evaluation as the store keeps it: its JSON document, with the columns beside it.
///
/// A scoring job encodes its evaluation before it waits for the transaction that stores it, and
/// waits holding these few fields, not the evaluation (every frame of a waiting job is memory
/// held, for up to `concurrency` jobs a queue).
public struct EncodedEvaluation: Sendable {
    public let submissionID: String
    public let evaluatedAt: Date
    public let document: Data

    public init(_ evaluation: Evaluation) throws {
        submissionID = evaluation.submissionID
        evaluatedAt = evaluation.evaluatedAt
        document = try AssayJSON.encode(evaluation)
    }
}

/// A report as the store keeps it: its JSON document, with the columns beside it, as for
/// ``EncodedEvaluation``.
public struct EncodedReport: Sendable {
    public let submissionID: String
    public let generatedAt: Date
    public let document: Data

    public init(_ report: Report) throws {
        submissionID = report.submissionID
        generatedAt = report.generatedAt
        document = try AssayJSON.encode(report)
    }
}
