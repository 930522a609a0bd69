import Foundation

/// Completed jobs are counted by the minute, per queue, in the statement that completes them
/// (`job_completions`), so that "completed in the last hour" is a sum of at most 60 rows per queue
/// however many jobs the table holds.
enum JobCompletionCounts {
    /// How long the counts are kept (seconds); older ones are pruned with the completed jobs.
    static let kept: TimeInterval = 2 * 3600

    /// The start of the minute `date` falls in, in seconds since 1970 (SQLite's column).
    static func minute(of date: Date) -> Double {
        (date.timeIntervalSince1970 / 60).rounded(.down) * 60
    }
}
