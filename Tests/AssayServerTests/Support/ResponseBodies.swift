import AssayCore

/// `POST /api/candidate/assessment/{id}/submit` answers this.
struct SubmitBody: Decodable {
    var success: Bool
    var submissionID: String
    var message: String
    var queueMode: String

    enum CodingKeys: String, CodingKey {
        case success, message
        case submissionID = "submission_id"
        case queueMode = "queue_mode"
    }
}

/// `GET /api/candidate/submissions/{id}` answers this.
struct SubmissionStatusBody: Decodable {
    var submissionID: String
    var status: String

    enum CodingKeys: String, CodingKey {
        case status
        case submissionID = "submission_id"
    }
}

/// A submission as `GET /api/admin/submissions[/{id}]` shows it.
struct SubmissionBody: Decodable {
    var submissionID: String
    var assessmentID: String
    var status: String
    var candidate: Candidate
    var answers: [Answer]

    enum CodingKeys: String, CodingKey {
        case status, candidate, answers
        case submissionID = "submission_id"
        case assessmentID = "assessment_id"
    }
}

/// An assessment as `GET /api/admin/assessments` lists it.
struct AssessmentSummaryBody: Decodable {
    var id: String
    var title: String
    var questionCount: Int

    enum CodingKeys: String, CodingKey {
        case id, title
        case questionCount = "question_count"
    }
}

/// One page of an admin listing.
struct PageBody<Item: Decodable>: Decodable {
    var items: [Item]
    var total: Int
    var limit: Int
    var offset: Int
}

/// `GET /api/admin/queue/status` answers this.
struct QueueStatusBody: Decodable {
    var serviceBusEnabled: Bool
    var mode: String
    var queues: [String: Counts]

    enum CodingKeys: String, CodingKey {
        case mode, queues
        case serviceBusEnabled = "service_bus_enabled"
    }

    struct Counts: Decodable, Equatable {
        var activeMessages: Int
        var scheduledMessages: Int
        var deadLetterMessages: Int
        var running: Int
        var completedLastHour: Int

        enum CodingKeys: String, CodingKey {
            case running
            case activeMessages = "active_messages"
            case scheduledMessages = "scheduled_messages"
            case deadLetterMessages = "dead_letter_messages"
            case completedLastHour = "completed_last_hour"
        }
    }
}
