import AssayCore
import AssayStore
import Foundation
import JobQueue

/// The submit use case: a validated submission stored with its scoring job in one transaction.
///
/// It knows nothing of HTTP: the caller reads the request, finds the assessment and says how to
/// tell a replay (the idempotency key and the request's fingerprint). With a ``ScoringHandoff`` to
/// this process's worker, the scoring job is stored running under the worker's lease while the
/// worker has a slot free and no job waiting, and handed to it once stored, with the submission
/// as decoded here: no claim, no wake-up, no read of the submission.
public struct SubmissionIntake: Sendable {
    public let store: any AssayStore
    public let scoringQueue: String
    public let maxAttempts: Int
    public let handoff: ScoringHandoff?
    public let now: @Sendable () -> Date

    public init(
        store: any AssayStore, scoringQueue: String, maxAttempts: Int, handoff: ScoringHandoff? = nil,
        now: @escaping @Sendable () -> Date
    ) {
        self.store = store
        self.scoringQueue = scoringQueue
        self.maxAttempts = maxAttempts
        self.handoff = handoff
        self.now = now
    }

    /// Checks `content` against `assessment` (``ValidationError`` when it does not fit), then stores
    /// it with its scoring job, or finds the submission an earlier request with the same
    /// idempotency key and fingerprint made.
    public func submit(
        _ content: SubmissionContent, to assessment: Assessment, idempotencyKey: String?,
        fingerprint: String?
    ) async throws -> SubmissionInsertOutcome {
        try content.validate(against: assessment)
        let submissionID = RandomIdentifier.uuidString()
        var job = JobRequest(
            queue: scoringQueue, kind: JobKind.scoreSubmission,
            payload: SubmissionJobPayload(submissionID: submissionID).encoded(), dedupeKey: submissionID,
            maxAttempts: maxAttempts)
        let submission = NewSubmission(
            id: submissionID, assessmentID: assessment.id, content: content, idempotencyKey: idempotencyKey,
            requestFingerprint: fingerprint, createdAt: now())
        let reservation = handoff?.jobs.reserve(queue: scoringQueue)
        job.leasedTo = reservation?.lease
        let outcome: SubmissionInsertOutcome
        do {
            outcome = try await store.insertSubmission(submission, job: job)
        } catch {
            reservation?.cancel()
            throw error
        }
        guard case .created = outcome else {
            reservation?.cancel()
            return outcome
        }
        JobMetrics.enqueued(queue: job.queue, kind: job.kind)
        if let reservation, let handoff {
            handoff.hold(
                SubmissionWork(
                    id: submissionID, assessmentID: assessment.id, content: content, evaluation: nil,
                    hasReport: false))
            reservation.hand(job.makeJob(now: now()))
        }
        return outcome
    }
}
