import AssayCore
import AssayStore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import JobQueue
import Testing

/// A submission's status as its scoring job moves: queued, scoring, completed, or failed when the
/// job is dead. The job is moved by hand here, as a worker would.
@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct SubmissionStatusTests {
    @Test func submissionIsScoringWhileItsJobRuns() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            let submissionID = try await client.submitAccepted()
            _ = try await claimScoringJob(in: fixture)

            #expect(try await client.submissionStatus(of: submissionID) == "scoring")
            let scoring = try await client.admin(.get, "/api/admin/submissions?status=scoring")
                .decoded(as: PageBody<SubmissionBody>.self)
            #expect(scoring.items.map(\.submissionID) == [submissionID])
            let queue = try #require(try await client.queueStatus().queues["scoring-jobs"])
            #expect(queue.running == 1)
            #expect(queue.activeMessages == 0)
        }
    }

    @Test func submissionHasFailedWhenItsJobIsDead() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            let submissionID = try await client.submitAccepted()
            let lease = try await claimScoringJob(in: fixture)
            let failure = JobAttemptError(attempt: lease.attempt, failedAt: Date(), message: "scorer crashed")
            #expect(try await fixture.store.jobs.fail(lease, error: failure, retryAt: nil) == .dead)

            #expect(try await client.submissionStatus(of: submissionID) == "failed")
            let failed = try await client.admin(.get, "/api/admin/submissions?status=failed")
                .decoded(as: PageBody<SubmissionBody>.self)
            #expect(failed.items.map(\.submissionID) == [submissionID])
            let queue = try #require(try await client.queueStatus().queues["scoring-jobs"])
            #expect(queue.deadLetterMessages == 1)
            #expect(queue.running == 0)
            #expect(queue.activeMessages == 0)
            let report = try await client.admin(.get, "/api/admin/submissions/\(submissionID)/report")
            try expectError(report, status: .notFound, code: "report_not_ready")
        }
    }

    @Test func submissionIsScoringWhileItsJobWaitsToRetry() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            let submissionID = try await client.submitAccepted()
            let lease = try await claimScoringJob(in: fixture)
            let failure = JobAttemptError(
                attempt: lease.attempt, failedAt: Date(), message: "model timed out")
            let state = try await fixture.store.jobs.fail(lease, error: failure, retryAt: Date() + 3600)
            #expect(state == .scheduled)

            #expect(try await client.submissionStatus(of: submissionID) == "scoring")
            let queue = try #require(try await client.queueStatus().queues["scoring-jobs"])
            #expect(queue.scheduledMessages == 1)
            #expect(queue.activeMessages == 0)
            #expect(queue.running == 0)
            #expect(queue.deadLetterMessages == 0)
        }
    }

    @Test func submissionIsQueuedAgainWhenAStoppingWorkerReleasesItsJob() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            let submissionID = try await client.submitAccepted()
            let lease = try await claimScoringJob(in: fixture)
            try await fixture.store.jobs.release(lease)

            #expect(try await client.submissionStatus(of: submissionID) == "queued")
            #expect(try await client.queueStatus().queues["scoring-jobs"]?.activeMessages == 1)
        }
    }

    private func claimScoringJob(
        in fixture: AssayFixture, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> JobLease {
        let jobs = try await fixture.store.jobs.claimNextJobs(
            queue: "scoring-jobs", limit: 1, owner: "test-worker", leaseDuration: .seconds(60))
        let job = try #require(jobs.first, "no scoring job to claim", sourceLocation: sourceLocation)
        return try #require(job.lease, sourceLocation: sourceLocation)
    }
}
