import AssayCore
import AssayTestSupport
import Foundation
import JobQueue
import Testing

@testable import AssayStore

/// A job's result and its completion commit in one transaction, fenced by the job's lease.
@Suite("Results that complete their jobs, on every backend", .timeLimit(.minutes(2)))
struct ResultCompletionTests {
    func claim(_ fixture: StoreFixture, queue: String) async throws -> Job {
        let jobs = try await fixture.store.jobs.claimNextJobs(
            queue: queue, limit: 1, owner: "worker", leaseDuration: .seconds(30))
        return try #require(jobs.first)
    }

    /// A stored submission whose scoring job `worker` has claimed, with its evaluation and the
    /// report job it starts, not yet stored.
    func scored(_ fixture: StoreFixture) async throws -> (
        submission: NewSubmission, scoring: Job, evaluation: Evaluation, reportJob: JobRequest
    ) {
        let new = fixture.newSubmission()
        _ = try await fixture.store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
        let scoring = try await claim(fixture, queue: "scoring-jobs")
        let evaluation = try await RubricScorer().evaluate(
            submissionID: new.id, content: new.content, for: fixture.assessment, at: fixture.clock.now())
        let reportJob = JobRequest(
            queue: "report-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: new.id)
        return (new, scoring, evaluation, reportJob)
    }

    /// The report of a submission scored as `evaluation`, built now.
    func report(of submission: NewSubmission, evaluation: Evaluation, _ fixture: StoreFixture) -> Report {
        ReportBuilder.build(
            submissionID: submission.id, assessment: fixture.assessment, content: submission.content,
            evaluation: evaluation, generatedAt: fixture.clock.now())
    }

    @Test(
        "an evaluation and a report each complete the job that made them, counted as completed",
        arguments: TestBackend.allCases)
    func resultsCompleteTheirJobs(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let (new, scoring, evaluation, reportJob) = try await scored(fixture)
            #expect(try await store.insertEvaluation(evaluation, job: reportJob, completing: scoring.lease))
            #expect(try await store.jobs.job(id: scoring.id)?.state == .completed)

            let reporting = try await claim(fixture, queue: "report-jobs")
            let report = report(of: new, evaluation: evaluation, fixture)
            #expect(try await store.insertReport(report, completing: reporting.lease))
            #expect(try await store.jobs.job(id: reporting.id)?.state == .completed)

            let statistics = try await store.jobs.statistics(queues: ["scoring-jobs", "report-jobs"])
            #expect(statistics["scoring-jobs"]?.completedLastHour == 1)
            #expect(statistics["report-jobs"]?.completedLastHour == 1)
            #expect(statistics["report-jobs"]?.running == 0)
            #expect(try await store.submission(id: new.id)?.status == .completed)
        }
    }

    @Test(
        "an evaluation stored with its report completes its job and counts the report job as ran inline, not stored",
        arguments: TestBackend.allCases)
    func evaluationWithItsReport(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            var (new, scoring, evaluation, reportJob) = try await scored(fixture)
            reportJob.ranInline = true
            let report = report(of: new, evaluation: evaluation, fixture)
            #expect(
                try await store.insertEvaluation(
                    EncodedEvaluation(evaluation), report: EncodedReport(report), job: reportJob,
                    completing: scoring.lease))
            #expect(try await store.jobs.job(id: scoring.id)?.state == .completed)
            #expect(try await store.evaluation(submissionID: new.id) != nil)
            #expect(try await store.report(submissionID: new.id)?.percent == report.percent)
            #expect(try await store.submission(id: new.id)?.status == .completed)

            #expect(try await store.jobs.job(id: reportJob.id) == nil)
            let claimed = try await store.jobs.claimNextJobs(
                queue: "report-jobs", limit: 1, owner: "worker", leaseDuration: .seconds(30))
            #expect(claimed.isEmpty)
            let statistics = try await store.jobs.statistics(queues: ["scoring-jobs", "report-jobs"])
            #expect(statistics["scoring-jobs"]?.completedLastHour == 1)
            #expect(statistics["report-jobs"]?.completedLastHour == 1)
            #expect(statistics["report-jobs"]?.available == 0)
        }
    }

    @Test(
        "a report built with an evaluation stored before, whose report job is stored: that job stays, the inline one is not counted",
        arguments: TestBackend.allCases)
    func inlineReportWhileItsJobIsStored(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let (new, scoring, evaluation, reportJob) = try await scored(fixture)
            #expect(try await store.insertEvaluation(evaluation, job: reportJob, completing: scoring.lease))
            // A later attempt finds the evaluation stored and builds the report itself.
            var inline = reportJob
            inline.id = UUID().uuidString
            inline.ranInline = true
            let report = report(of: new, evaluation: evaluation, fixture)
            #expect(
                try await store.insertEvaluation(
                    EncodedEvaluation(evaluation), report: EncodedReport(report), job: inline, completing: nil
                )
                    == false)
            #expect(try await store.report(submissionID: new.id)?.percent == report.percent)
            #expect(try await store.submission(id: new.id)?.status == .completed)
            #expect(try await store.jobs.job(id: inline.id) == nil)
            let statistics = try await store.jobs.statistics(queues: ["report-jobs"])
            #expect(statistics["report-jobs"]?.available == 1)
            #expect(statistics["report-jobs"]?.completedLastHour == 0)
        }
    }

    @Test(
        "a result whose lease was lost is stored but completes nothing, and says so",
        arguments: TestBackend.allCases)
    func lostLeaseCompletesNothing(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let (new, scoring, evaluation, reportJob) = try await scored(fixture)
            let held = try #require(scoring.lease)
            // The lease of an attempt that lost the job to another worker.
            let lost = JobLease(jobID: held.jobID, attempt: held.attempt, owner: "another worker")
            #expect(try await store.insertEvaluation(evaluation, job: reportJob, completing: lost) == false)
            #expect(try await store.evaluation(submissionID: new.id) != nil)
            let job = try await store.jobs.job(id: scoring.id)
            #expect(job?.state == .running)
            #expect(job?.leaseOwner == "worker")
            // The holder can still complete it.
            try await store.jobs.complete(held)
            #expect(try await store.jobs.job(id: scoring.id)?.state == .completed)
        }
    }
}
