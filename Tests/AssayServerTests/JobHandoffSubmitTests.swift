import AssayCore
import AssayServer
import AssayStore
import AssayTestSupport
import Foundation
import JobQueue
import ServiceLifecycle
import Testing

@testable import AssayPipeline

/// `serve` in database mode hands each new scoring job to its embedded worker as it stores it:
/// the submission starts `scoring`, its job runs under the worker's lease with no claim.
@Suite(.assayFixture, .timeLimit(.minutes(2)))
struct JobHandoffSubmitTests {
    func submit(_ intake: SubmissionIntake) async throws -> SubmissionRecord {
        try await intake.submit(
            SampleSubmissions.perfect, to: try AssayFixture.sampleAssessment(), idempotencyKey: nil,
            fingerprint: nil
        ).record
    }

    @Test func aSubmissionsJobIsHandedToTheEmbeddedWorker() async throws {
        let fixture = try AssayFixture.current()
        let store = fixture.store
        let configuration = try AssayConfiguration(environment: [:])
        let handoff = try #require(AssayApplication.handoff(configuration: configuration, serviceBus: nil))
        let worker = AssayApplication.worker(
            configuration: configuration, store: store, concurrency: 4, handoff: handoff,
            logger: fixture.logger)
        let intake = SubmissionIntake(
            store: store, scoringQueue: "scoring-jobs", maxAttempts: 4, handoff: handoff, now: Date.init)
        let group = ServiceGroup(services: [worker], logger: fixture.logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Once the worker found its queue empty, it takes jobs as they are stored.
            let ready = try await eventually {
                handoff.jobs.reserve(queue: "scoring-jobs").map { $0.cancel() } != nil
            }
            #expect(ready)
            let record = try await submit(intake)
            #expect(record.status == .scoring)
            let completed = try await eventually {
                try await store.submission(id: record.id)?.status == .completed
            }
            #expect(completed)
            #expect(try await store.report(submissionID: record.id) != nil)
            #expect(handoff.heldCount == 0, "the job took the submission it was handed with")
            let statistics = try #require(
                try await store.jobs.statistics(queues: ["scoring-jobs"])["scoring-jobs"])
            #expect(statistics.completedLastHour == 1)
            #expect(statistics.available == 0)
            #expect(statistics.running == 0)
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test func withNoWorkerToTakeItTheJobWaitsForAClaim() async throws {
        let store = try AssayFixture.current().store
        let intake = SubmissionIntake(
            store: store, scoringQueue: "scoring-jobs", maxAttempts: 4, handoff: ScoringHandoff(),
            now: Date.init)
        let record = try await submit(intake)
        #expect(record.status == .queued)
        #expect(try await store.submission(id: record.id)?.status == .queued)
        let claimed = try await store.jobs.claimNextJobs(
            queue: "scoring-jobs", limit: 1, owner: "worker", leaseDuration: .seconds(30))
        #expect(claimed.map(\.dedupeKey) == [record.id])
    }

    @Test func aHandedJobScoresTheSubmissionItWasHandedWithOnceThenReadsTheStoredOne() async throws {
        let fixture = try AssayFixture.current()
        let store = fixture.store
        let submissionID = try await fixture.withApp { client in try await client.submitAccepted() }
        let job = try #require(
            try await store.jobs.claimNextJobs(
                queue: "scoring-jobs", limit: 1, owner: "worker", leaseDuration: .seconds(30)
            ).first)
        let stored = try #require(try await store.submissionWork(id: submissionID))
        // Held under another candidate's name: the report shows which one was scored.
        var held = stored
        held.content.candidate.name = "Held In Memory"
        let handoff = ScoringHandoff()
        handoff.hold(held)
        let pipeline = SubmissionPipeline(
            store: store, scorer: .rubric, reportQueue: "report-jobs", maxAttempts: 4, handoff: handoff)
        let handler = try #require(
            pipeline.handlers(servingQueues: ["scoring-jobs", "report-jobs"]).first {
                $0.kind == JobKind.scoreSubmission
            })
        #expect(try await handler.handle(job, logger: fixture.logger) == .completedWithResult)
        #expect(try await store.report(submissionID: submissionID)?.candidate.name == "Held In Memory")
        #expect(handoff.heldCount == 0)
        #expect(handoff.take(submissionID) == nil)
    }
}
