import AssayCore
import AssayStore
import AssayTestSupport
import Foundation
import JobQueue

/// A fresh store on one backend holding the sample assessment, removed afterwards.
struct StoreFixture {
    let store: any AssayStore
    let database: TestDatabase
    let clock: TestClock
    let assessment: Assessment

    static func with(_ backend: TestBackend, _ body: (StoreFixture) async throws -> Void) async throws {
        let clock = TestClock()
        try await TestDatabase.withStore(backend, now: { clock.now() }) { store, database in
            let assessment = try AssayFixture.sampleAssessment()
            try await store.insertAssessment(assessment, at: clock.now())
            try await body(
                StoreFixture(store: store, database: database, clock: clock, assessment: assessment))
        }
    }

    func newSubmission(id: String = UUID().uuidString, key: String? = nil, fingerprint: String? = nil)
        -> NewSubmission
    {
        NewSubmission(
            id: id, assessmentID: assessment.id,
            content: SubmissionContent(
                candidate: Candidate(name: "Ada", email: "ada@example.com"),
                answers: [Answer(questionID: assessment.questions[0].id, answer: .text("b"))]),
            idempotencyKey: key, requestFingerprint: fingerprint, createdAt: clock.now())
    }

    /// Scores `submission`, builds its report and stores both, its report job run inline, completing
    /// the scoring job `jobID` leased to `owner` at its first attempt; returns whether it completed it.
    func complete(_ submission: NewSubmission, jobID: String, owner: String = "w") async throws -> Bool {
        let evaluation = try await RubricScorer().evaluate(
            submissionID: submission.id, content: submission.content, for: assessment, at: clock.now())
        let report = ReportBuilder.build(
            submissionID: submission.id, assessment: assessment, content: submission.content,
            evaluation: evaluation, generatedAt: clock.now())
        return try await store.insertEvaluation(
            try EncodedEvaluation(evaluation), report: try EncodedReport(report),
            job: JobRequest(
                queue: "report-jobs", kind: "k", payload: Data("{}".utf8), dedupeKey: submission.id,
                ranInline: true),
            completing: JobLease(jobID: jobID, attempt: 1, owner: owner))
    }

    func scoringJob(for submissionID: String) -> JobRequest {
        JobRequest(
            queue: "scoring-jobs", kind: "score-submission", payload: Data("{}".utf8), dedupeKey: submissionID
        )
    }
}
