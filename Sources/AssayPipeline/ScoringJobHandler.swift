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

    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome {
        let payload = try SubmissionJobPayload.decode(from: job)
        var logger = logger
        logger[metadataKey: "submission_id"] = .string(payload.submissionID)
        let reportJob = JobRequest(
            queue: reportQueue, kind: JobKind.buildReport, payload: payload.encoded(),
            dedupeKey: payload.submissionID, maxAttempts: maxAttempts)
        guard let submission = try await store.submissionWork(id: payload.submissionID) else {
            throw JobHandlerError.permanent("submission \(payload.submissionID) does not exist")
        }
        if let existing = submission.evaluation {
            let completed = try await store.insertEvaluation(existing, job: reportJob, completing: job.lease)
            logger.info("submission already scored")
            return completed ? .completedWithResult : .finished
        }
        guard let assessment = try await store.assessment(id: submission.assessmentID) else {
            throw JobHandlerError.permanent("assessment \(submission.assessmentID) does not exist")
        }
        let evaluation: Evaluation
        do {
            evaluation = try await scorer.evaluate(
                submissionID: submission.id, content: submission.content, for: assessment, at: now())
        } catch let error as LLMError {
            throw error.forJobEngine
        }
        let completed = try await store.insertEvaluation(evaluation, job: reportJob, completing: job.lease)
        JobMetrics.enqueued(queue: reportJob.queue, kind: reportJob.kind)
        logger.info(
            "submission scored",
            metadata: [
                "points": .stringConvertible(evaluation.totalPoints),
                "max_points": .stringConvertible(evaluation.maxPoints),
            ])
        return completed ? .completedWithResult : .finished
    }
}
