import AssayCore
import AssayStore
import Foundation
import JobQueue
import Logging

/// A fresh SQLite store in a temporary folder holding the sample assessment, removed afterwards.
struct StoreFixture {
    let store: SQLiteStore
    let directory: TemporaryDirectory
    let clock: TestClock
    let assessment: Assessment

    static func with(_ body: (StoreFixture) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clock = TestClock()
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let store = try await SQLiteStore.open(
            path: directory.path("assay.sqlite"), logger: logger, now: { clock.now() })
        let examples = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Examples/swift-basics.json")
        let assessment = try AssayJSON.decoder().decode(Assessment.self, from: Data(contentsOf: examples))
        try await store.insertAssessment(assessment, at: clock.now())
        let fixture = StoreFixture(store: store, directory: directory, clock: clock, assessment: assessment)
        do {
            try await body(fixture)
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
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
