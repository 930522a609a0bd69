import AssayPipeline
import AssayStore
import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// With the rubric's reports, a worker that serves both queues builds a submission's report with
/// its scoring job: one transaction, and no claim of the report job.
@Suite(.assayFixture, .timeLimit(.minutes(2)))
struct InlineReportTests {
    /// Submits the sample submission, claims its scoring job and runs the scoring handler of a
    /// worker serving `queues` on it; returns the submission's id.
    func score(servingQueues queues: [String]) async throws -> String {
        let fixture = try AssayFixture.current()
        let submissionID = try await fixture.withApp { client in try await client.submitAccepted() }
        let job = try #require(
            try await fixture.store.jobs.claimNextJobs(
                queue: "scoring-jobs", limit: 1, owner: "worker", leaseDuration: .seconds(30)
            ).first)
        let pipeline = SubmissionPipeline(
            store: fixture.store, scorer: .rubric, reportQueue: "report-jobs", maxAttempts: 4)
        let handler = try #require(
            pipeline.handlers(servingQueues: queues).first { $0.kind == JobKind.scoreSubmission })
        #expect(try await handler.handle(job, logger: fixture.logger) == .completedWithResult)
        #expect(try await fixture.store.jobs.job(id: job.id)?.state == .completed)
        return submissionID
    }

    @Test func aWorkerServingBothQueuesStoresTheReportWithTheEvaluation() async throws {
        let store = try AssayFixture.current().store
        let submissionID = try await score(servingQueues: ["scoring-jobs", "report-jobs"])
        #expect(try await store.submission(id: submissionID)?.status == .completed)
        #expect(try await store.report(submissionID: submissionID) != nil)
        let claimed = try await store.jobs.claimNextJobs(
            queue: "report-jobs", limit: 1, owner: "worker", leaseDuration: .seconds(30))
        #expect(claimed.isEmpty, "the report job ran inline: nothing is left to claim")
        let statistics = try #require(try await store.jobs.statistics(queues: ["report-jobs"])["report-jobs"])
        #expect(statistics.completedLastHour == 1)
        #expect(statistics.available == 0)
    }

    @Test func aWorkerServingScoringAloneLeavesTheReportToItsQueue() async throws {
        let store = try AssayFixture.current().store
        let submissionID = try await score(servingQueues: ["scoring-jobs"])
        #expect(try await store.submission(id: submissionID)?.status == .reporting)
        #expect(try await store.report(submissionID: submissionID) == nil)
        let claimed = try await store.jobs.claimNextJobs(
            queue: "report-jobs", limit: 1, owner: "worker", leaseDuration: .seconds(30))
        #expect(claimed.count == 1)
    }
}
