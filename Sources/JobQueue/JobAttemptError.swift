import Foundation

/// One failed attempt in a job's error history.
public struct JobAttemptError: Codable, Sendable, Equatable {
    /// The attempt that failed, counting from 1.
    public var attempt: Int
    /// When the attempt failed.
    public var failedAt: Date
    /// What went wrong, as the handler reported it.
    public var message: String

    public init(attempt: Int, failedAt: Date, message: String) {
        self.attempt = attempt
        self.failedAt = failedAt
        self.message = message
    }

    enum CodingKeys: String, CodingKey {
        case attempt
        case failedAt = "failed_at"
        case message
    }
}
