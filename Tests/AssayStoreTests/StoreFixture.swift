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

    func scoringJob(for submissionID: String) -> JobRequest {
        JobRequest(
            queue: "scoring-jobs", kind: "score-submission", payload: Data("{}".utf8), dedupeKey: submissionID
        )
    }
}
