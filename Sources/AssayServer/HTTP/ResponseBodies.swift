import AssayCore
import AssayStore
import Foundation
import JobQueue

/// The answer to a submission, in the plan's shape.
struct SubmitResponse: Encodable {
    var success = true
    var submissionID: String
    var message = "Assessment submitted successfully"
    var queueMode: String

    enum CodingKeys: String, CodingKey {
        case success, message
        case submissionID = "submission_id"
        case queueMode = "queue_mode"
    }

    /// The body as `AssayJSON.encoder()` writes it, written directly: every submission answers
    /// with one, and JSONEncoder's tree of containers was 1.6 % of the server's CPU time on
    /// PostgreSQL.
    var json: Data {
        AssayJSON.encode(
            stringMembers: ["message": message, "queue_mode": queueMode, "submission_id": submissionID],
            boolMembers: ["success": success])
    }
}

/// A submission's status, as the candidate sees it.
struct SubmissionStatusResponse: Encodable {
    var submissionID: String
    var status: SubmissionStatus

    enum CodingKeys: String, CodingKey {
        case status
        case submissionID = "submission_id"
    }
}

/// A submission as an admin sees it.
struct SubmissionResponse: Encodable {
    var submissionID: String
    var assessmentID: String
    var status: SubmissionStatus
    var candidate: Candidate
    var answers: [Answer]
    var createdAt: Date

    init(_ record: SubmissionRecord) {
        submissionID = record.id
        assessmentID = record.assessmentID
        status = record.status
        candidate = record.content.candidate
        answers = record.content.answers
        createdAt = record.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case status, candidate, answers
        case submissionID = "submission_id"
        case assessmentID = "assessment_id"
        case createdAt = "created_at"
    }
}

/// An assessment in the admin listing.
struct AssessmentSummaryResponse: Encodable {
    var id: String
    var title: String
    var questionCount: Int
    var createdAt: Date

    init(_ summary: AssessmentSummary) {
        id = summary.id
        title = summary.title
        questionCount = summary.questionCount
        createdAt = summary.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, title
        case questionCount = "question_count"
        case createdAt = "created_at"
    }
}

/// One page of a listing.
struct PageResponse<Item: Encodable>: Encodable {
    var items: [Item]
    var total: Int
    var limit: Int
    var offset: Int
}

/// How many dead letters a bulk retry gave fresh attempts.
struct RetriedResponse: Encodable {
    var retried: Int
}

/// What `/health` and `/ready` answer.
struct HealthResponse: Encodable {
    var status: String
}
