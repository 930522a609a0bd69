import Foundation

/// A dead job as `GET /api/admin/queue/dead-letters[/{id}]` and the retry route show it.
struct DeadJobBody: Decodable {
    var jobID: String
    var queue: String
    var kind: String
    var payload: [String: String]
    var dedupeKey: String?
    var state: String
    var attempt: Int
    var maxAttempts: Int
    var runAt: Date
    var errors: [AttemptError]
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case queue, kind, payload, state, attempt, errors
        case jobID = "job_id"
        case dedupeKey = "dedupe_key"
        case maxAttempts = "max_attempts"
        case runAt = "run_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// One failed attempt in the job's history.
    struct AttemptError: Decodable, Equatable {
        var attempt: Int
        var failedAt: Date
        var message: String

        enum CodingKeys: String, CodingKey {
            case attempt, message
            case failedAt = "failed_at"
        }
    }
}
