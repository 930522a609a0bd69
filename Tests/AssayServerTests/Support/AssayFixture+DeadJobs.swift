import AssayStore
import AssayTestSupport
import Foundation
import HummingbirdTesting
import JobQueue
import Testing

extension AssayFixture {
    /// Claims the next job of `queue` as a worker would and fails it for good, as a handler's
    /// permanent error does; returns the job, now dead.
    @discardableResult
    func failNextJob(
        queue: String = "scoring-jobs", message: String = "scorer exploded",
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Job {
        let claimed = try await store.jobs.claimNextJobs(
            queue: queue, limit: 1, owner: "test", leaseDuration: .seconds(30))
        let job = try #require(claimed.first, "no job waits in \(queue)", sourceLocation: sourceLocation)
        let lease = try #require(job.lease, sourceLocation: sourceLocation)
        let state = try await store.jobs.fail(
            lease, error: JobAttemptError(attempt: job.attempt, failedAt: Date(), message: message),
            retryAt: nil)
        try #require(state == .dead, sourceLocation: sourceLocation)
        return try #require(try await store.jobs.job(id: job.id), sourceLocation: sourceLocation)
    }

    /// Dead jobs as workers leave them: the report job of one submission (scored by a worker that
    /// serves only the scoring queue), and the scoring jobs of two more. Returns the submissions' ids.
    func makeDeadJobsInBothQueues(sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> (report: String, scoring: [String])
    {
        let reportSubmission = try await withApp(workerQueues: ["scoring-jobs"]) { client in
            let submissionID = try await client.submitAccepted()
            let scored = try await eventually {
                try await client.submissionStatus(of: submissionID) == "reporting"
            }
            try #require(
                scored, "the scoring worker did not score \(submissionID)", sourceLocation: sourceLocation)
            return submissionID
        }
        try await failNextJob(
            queue: "report-jobs", message: "renderer exploded", sourceLocation: sourceLocation)
        let scoringSubmissions = try await withApp { client in
            [try await client.submitAccepted(), try await client.submitAccepted()]
        }
        for _ in scoringSubmissions {
            try await failNextJob(queue: "scoring-jobs", sourceLocation: sourceLocation)
        }
        return (reportSubmission, scoringSubmissions)
    }
}
