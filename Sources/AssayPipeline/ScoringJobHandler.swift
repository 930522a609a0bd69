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
    // `handle`'s frame under it, holding the encoded evaluation; every frame of a waiting job is
    // memory held (256 jobs a queue).
    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome {
        let payload = try SubmissionJobPayload.decode(from: job)
        let scored = try await scored(payload.submissionID)
        let completed = try await store.insertEvaluation(
            scored.evaluation, job: reportJob(for: payload), completing: job.lease)
        log(scored, submissionID: payload.submissionID, logger: logger)
        return completed ? .completedWithResult : .finished
    }

    /// A submission's evaluation, encoded for the store, with what the log says of it.
    private struct Scored {
        var evaluation: EncodedEvaluation
        /// Whether it was made now (false: an earlier attempt stored it).
        var isNew: Bool
        var points: Double
        var maxPoints: Double
    }

    private func reportJob(for payload: SubmissionJobPayload) -> JobRequest {
        JobRequest(
            queue: reportQueue, kind: JobKind.buildReport, payload: payload.encoded(),
            dedupeKey: payload.submissionID, maxAttempts: maxAttempts)
    }

    /// The submission's evaluation: the stored one, or a new one.
    private func scored(_ submissionID: String) async throws -> Scored {
        guard let submission = try await store.submissionWork(id: submissionID) else {
            throw JobHandlerError.permanent("submission \(submissionID) does not exist")
        }
        let evaluation: Evaluation
        let isNew: Bool
        if let existing = submission.evaluation {
            (evaluation, isNew) = (existing, false)
        } else {
            guard let assessment = try await store.assessment(id: submission.assessmentID) else {
                throw JobHandlerError.permanent("assessment \(submission.assessmentID) does not exist")
            }
            do {
                evaluation = try await scorer.evaluate(
                    submissionID: submission.id, content: submission.content, for: assessment, at: now())
            } catch let error as LLMError {
                throw error.forJobEngine
            }
            isNew = true
        }
        return Scored(
            evaluation: try EncodedEvaluation(evaluation), isNew: isNew, points: evaluation.totalPoints,
            maxPoints: evaluation.maxPoints)
    }

    private func log(_ scored: Scored, submissionID: String, logger: Logger) {
        var logger = logger
        logger[metadataKey: "submission_id"] = .string(submissionID)
        guard scored.isNew else {
            logger.info("submission already scored")
            return
        }
        JobMetrics.enqueued(queue: reportQueue, kind: JobKind.buildReport)
        logger.info(
            "submission scored",
            metadata: [
                "points": .stringConvertible(scored.points),
                "max_points": .stringConvertible(scored.maxPoints),
            ])
    }
}
