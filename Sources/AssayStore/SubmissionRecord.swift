import AssayCore
import Foundation

/// A stored submission: what the candidate sent, and where it is now.
public struct SubmissionRecord: Sendable, Equatable {
    public var id: String
    public var assessmentID: String
    public var content: SubmissionContent
    public var status: SubmissionStatus
    public var createdAt: Date

    public init(
        id: String, assessmentID: String, content: SubmissionContent, status: SubmissionStatus,
        createdAt: Date
    ) {
        self.id = id
        self.assessmentID = assessmentID
        self.content = content
        self.status = status
        self.createdAt = createdAt
    }
}

/// A submission to store, with the idempotency details of the request that brought it.
public struct NewSubmission: Sendable {
    public var id: String
    public var assessmentID: String
    public var content: SubmissionContent
    /// The client's `Idempotency-Key` header, if it sent one.
    public var idempotencyKey: String?
    /// A digest of the request, to tell a replay from a different request under the same key.
    public var requestFingerprint: String?
    public var createdAt: Date

    public init(
        id: String, assessmentID: String, content: SubmissionContent, idempotencyKey: String?,
        requestFingerprint: String?, createdAt: Date
    ) {
        self.id = id
        self.assessmentID = assessmentID
        self.content = content
        self.idempotencyKey = idempotencyKey
        self.requestFingerprint = requestFingerprint
        self.createdAt = createdAt
    }
}

/// What storing a submission did.
public enum SubmissionInsertOutcome: Sendable, Equatable {
    /// Stored, with its scoring job.
    case created(SubmissionRecord)
    /// The same request came before under the same `Idempotency-Key`: the first submission.
    case replayed(SubmissionRecord)

    public var record: SubmissionRecord {
        switch self {
        case .created(let record), .replayed(let record): record
        }
    }
}

/// Which submissions to list, and which page.
public struct SubmissionQuery: Sendable, Equatable {
    public var assessmentID: String?
    public var status: SubmissionStatus?
    public var limit: Int
    public var offset: Int

    public init(
        assessmentID: String? = nil, status: SubmissionStatus? = nil, limit: Int = 50, offset: Int = 0
    ) {
        self.assessmentID = assessmentID
        self.status = status
        self.limit = limit
        self.offset = offset
    }
}

/// One page of a listing, with the total count across all pages.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

/// An assessment in a listing.
public struct AssessmentSummary: Sendable, Equatable {
    public var id: String
    public var title: String
    public var questionCount: Int
    public var createdAt: Date

    public init(id: String, title: String, questionCount: Int, createdAt: Date) {
        self.id = id
        self.title = title
        self.questionCount = questionCount
        self.createdAt = createdAt
    }
}

/// What the scoring and report jobs need of a submission, read at once: what the candidate sent,
/// its evaluation if one is stored, and whether its report is stored.
public struct SubmissionWork: Sendable, Equatable {
    public var id: String
    public var assessmentID: String
    public var content: SubmissionContent
    public var evaluation: Evaluation?
    public var hasReport: Bool

    public init(
        id: String, assessmentID: String, content: SubmissionContent, evaluation: Evaluation?, hasReport: Bool
    ) {
        self.id = id
        self.assessmentID = assessmentID
        self.content = content
        self.evaluation = evaluation
        self.hasReport = hasReport
    }
}

extension SubmissionWork {
    /// A submission's work from its stored row: its content and evaluation are JSON documents.
    init(id: String, assessmentID: String, content: Data, evaluation: Data?, hasReport: Bool) throws {
        self.init(
            id: id, assessmentID: assessmentID,
            content: try AssayJSON.decode(SubmissionContent.self, from: content),
            evaluation: try evaluation.map { try AssayJSON.decode(Evaluation.self, from: $0) },
            hasReport: hasReport)
    }
}
