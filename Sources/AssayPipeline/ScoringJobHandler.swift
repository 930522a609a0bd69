import AssayCore
import AssayLLM
import AssayStore
import Foundation
import JobQueue
import Logging

/// Scores a submission, then stores its evaluation, enqueues its report job and completes its own
/// job in one transaction.
///
/// A scorer's model errors follow the engine's retry rules (``LLMError/forJobEngine``).
///
/// Idempotent: when the evaluation exists already (an earlier attempt stored it and then lost its
/// lease), it is not scored again; the report job is enqueued if it is missing.
struct ScoringJobHandler: JobHandler {
    let store: any AssayStore
    let scorer: any Scorer
    let reportQueue: String
    let maxAttempts: Int
    let timeout: Duration
    let now: @Sendable () -> Date

    var kind: String { JobKind.scoreSubmission }

    // Split in small async steps: a job waits in `insertEvaluation` for its transaction with only
    // `handle`'s frame under it, and every frame of a waiting job is memory held (256 a queue).
    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome {
        let payload = try SubmissionJobPayload.decode(from: job)
        let (evaluation, rescored) = try await evaluation(of: payload.submissionID)
        let completed = try await store.insertEvaluation(
            evaluation, job: reportJob(for: payload), completing: job.lease)
        log(evaluation, rescored: rescored, submissionID: payload.submissionID, logger: logger)
        return completed ? .completedWithResult : .finished
    }

    private func reportJob(for payload: SubmissionJobPayload) -> JobRequest {
        JobRequest(
            queue: reportQueue, kind: JobKind.buildReport, payload: payload.encoded(),
            dedupeKey: payload.submissionID, maxAttempts: maxAttempts)
    }

    /// The submission's evaluation: the stored one (`rescored` false), or a new one.
    private func evaluation(of submissionID: String) async throws -> (Evaluation, rescored: Bool) {
        guard let submission = try await store.submissionWork(id: submissionID) else {
            throw JobHandlerError.permanent("submission \(submissionID) does not exist")
        }
        if let existing = submission.evaluation { return (existing, false) }
        guard let assessment = try await store.assessment(id: submission.assessmentID) else {
            throw JobHandlerError.permanent("assessment \(submission.assessmentID) does not exist")
        }
        do {
            let evaluation = try await scorer.evaluate(
                submissionID: submission.id, content: submission.content, for: assessment, at: now())
            return (evaluation, true)
        } catch let error as LLMError {
            throw error.forJobEngine
        }
    }

    private func log(_ evaluation: Evaluation, rescored: Bool, submissionID: String, logger: Logger) {
        var logger = logger
        logger[metadataKey: "submission_id"] = .string(submissionID)
        guard rescored else {
            logger.info("submission already scored")
            return
        }
        JobMetrics.enqueued(queue: reportQueue, kind: JobKind.buildReport)
        logger.info(
            "submission scored",
            metadata: [
                "points": .stringConvertible(evaluation.totalPoints),
                "max_points": .stringConvertible(evaluation.maxPoints),
            ])
    }
}
