import AssayCore
import Foundation
import JobQueue

/// The payload of Assay's jobs: the submission they work on.
struct SubmissionJobPayload: Codable, Sendable {
    var submissionID: String

    enum CodingKeys: String, CodingKey {
        case submissionID = "submission_id"
    }

    /// `{"submission_id":"…"}`, the bytes JSONEncoder writes for it.
    func encoded() -> Data {
        AssayJSON.encode(stringMembers: ["submission_id": submissionID])
    }

    /// Decodes a job's payload; a payload that does not decode can never succeed, so it is permanent.
    /// An object of strings is read directly; anything else goes to JSONDecoder.
    static func decode(from job: Job) throws -> SubmissionJobPayload {
        if let id = AssayJSON.stringMembers(of: job.payload)?["submission_id"] {
            return SubmissionJobPayload(submissionID: id)
        }
        do {
            return try JSONDecoder().decode(SubmissionJobPayload.self, from: job.payload)
        } catch {
            throw JobHandlerError.permanent("payload is not {\"submission_id\": \"…\"}: \(error)")
        }
    }
}
