import Foundation
import JobQueue

/// The payload of Assay's jobs: the submission they work on.
struct SubmissionJobPayload: Codable, Sendable {
    var submissionID: String

    enum CodingKeys: String, CodingKey {
        case submissionID = "submission_id"
    }

    func encoded() -> Data {
        // Encoding a struct of one string cannot fail.
        (try? JSONEncoder().encode(self)) ?? Data()
    }

    /// Decodes a job's payload; a payload that does not decode can never succeed, so it is permanent.
    static func decode(from job: Job) throws -> SubmissionJobPayload {
        do {
            return try JSONDecoder().decode(SubmissionJobPayload.self, from: job.payload)
        } catch {
            throw JobHandlerError.permanent("payload is not {\"submission_id\": \"…\"}: \(error)")
        }
    }
}
