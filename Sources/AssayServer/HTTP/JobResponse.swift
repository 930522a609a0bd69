import AssayCore
import Foundation
import JobQueue

/// A job as the dead-letter routes show it, with its whole error history.
public struct JobResponse: Encodable, Sendable {
    public var job: Job

    public init(_ job: Job) {
        self.job = job
    }

    enum CodingKeys: String, CodingKey {
        case jobID = "job_id"
        case queue, kind, payload, state, attempt, errors
        case dedupeKey = "dedupe_key"
        case maxAttempts = "max_attempts"
        case runAt = "run_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(job.id, forKey: .jobID)
        try container.encode(job.queue, forKey: .queue)
        try container.encode(job.kind, forKey: .kind)
        try container.encode(JSONPayload(data: job.payload), forKey: .payload)
        try container.encode(job.dedupeKey, forKey: .dedupeKey)
        try container.encode(job.state, forKey: .state)
        try container.encode(job.attempt, forKey: .attempt)
        try container.encode(job.maxAttempts, forKey: .maxAttempts)
        try container.encode(job.runAt, forKey: .runAt)
        try container.encode(job.errors, forKey: .errors)
        try container.encode(job.createdAt, forKey: .createdAt)
        try container.encode(job.updatedAt, forKey: .updatedAt)
    }
}

/// A job payload shown as the JSON it holds, or as a string when it is not JSON.
struct JSONPayload: Encodable {
    var data: Data

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let value = try? JSONDecoder().decode(JSONValue.self, from: data) {
            try container.encode(value)
        } else {
            try container.encode(String(decoding: data, as: UTF8.self))
        }
    }
}
