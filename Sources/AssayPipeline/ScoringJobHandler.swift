import AssayCore
import AssayLLM
import AssayStore
import Foundation
import JobQueue
import Logging

/// Scores a submission, then stores its evaluation, enqueues its report job and completes its own
/// job in one transaction.
///
/// When the report needs no model (``buildsReports``: the template's words), the report is built
/// here too, right after scoring, and stored in that transaction, its report job counted as ran
/// inline (``JobRequest/ranInline``, not stored): one transaction, one claim and one job row a
/// submission fewer, and the report-jobs queue still counts every report built. A report whose
/// words a model writes stays a job of its own, so that the model's failures are retried without
/// scoring again.
///
/// A scorer's model errors follow the engine's retry rules (``LLMError/forJobEngine``).
///
/// Idempotent: when the evaluation exists already (an earlier attempt stored it and then lost its
/// lease), it is not scored again; the report job is enqueued if it is missing.
struct ScoringJobHandler: JobHandler {
    let store: any AssayStore
    let scorer: any Scorer
    let reportQueue: String
    /// Whether this handler builds the report itself, with the template's words.
    let buildsReports: Bool
    let maxAttempts: Int
    let timeout: Duration
    /// Holds the submissions whose jobs were handed over as they were stored.
    let handoff: ScoringHandoff?
    let now: @Sendable () -> Date

    var kind: String { JobKind.scoreSubmission }

    // Split in small async steps: a job waits in `insertEvaluation` for its transaction with only
    // `handle`'s frame under it, holding the encoded evaluation; every frame of a waiting job is
    // memory held (256 jobs a queue).
    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome {
        let payload = try SubmissionJobPayload.decode(from: job)
        let scored = try await scored(payload.submissionID)
        let completed = try await store.insertEvaluation(
            scored.evaluation, report: scored.report,
            job: reportJob(for: payload, ranInline: scored.report != nil), completing: job.lease)
        log(scored, submissionID: payload.submissionID, logger: logger)
        return completed ? .completedWithResult : .finished
    }

    /// A submission's evaluation, encoded for the store, with its report when this handler built
    /// it, and what the log says of them.
    private struct Scored {
        var evaluation: EncodedEvaluation
        /// Whether it was made now (false: an earlier attempt stored it).
        var isNew: Bool
        var points: Double
        var maxPoints: Double
        var report: EncodedReport?
        /// The report's percent, when it was built here.
        var percent: Double?

        init(_ evaluation: Evaluation, isNew: Bool) throws {
            self.evaluation = try EncodedEvaluation(evaluation)
            self.isNew = isNew
            points = evaluation.totalPoints
            maxPoints = evaluation.maxPoints
        }
    }

    private func reportJob(for payload: SubmissionJobPayload, ranInline: Bool) -> JobRequest {
        JobRequest(
            queue: reportQueue, kind: JobKind.buildReport, payload: payload.encoded(),
            dedupeKey: payload.submissionID, maxAttempts: maxAttempts, ranInline: ranInline)
    }

    /// The submission's evaluation: the stored one, or a new one; and its report, when this
    /// handler builds reports and the submission has none.
    private func scored(_ submissionID: String) async throws -> Scored {
        let submission: SubmissionWork
        if let held = handoff?.take(submissionID) {
            submission = held
        } else if let stored = try await store.submissionWork(id: submissionID) {
            submission = stored
        } else {
            throw JobHandlerError.permanent("submission \(submissionID) does not exist")
        }
        let needsReport = buildsReports && !submission.hasReport
        if let existing = submission.evaluation, !needsReport {
            return try Scored(existing, isNew: false)
        }
        guard let assessment = try await store.assessment(id: submission.assessmentID) else {
            throw JobHandlerError.permanent("assessment \(submission.assessmentID) does not exist")
        }
        let evaluation: Evaluation
        let isNew: Bool
        if let existing = submission.evaluation {
            (evaluation, isNew) = (existing, false)
        } else {
            do {
                evaluation = try await scorer.evaluate(
                    submissionID: submission.id, content: submission.content, for: assessment, at: now())
            } catch let error as LLMError {
                throw error.forJobEngine
            }
            isNew = true
        }
        var scored = try Scored(evaluation, isNew: isNew)
        if needsReport {
            let report = ReportBuilder.build(
                submissionID: submission.id, assessment: assessment, content: submission.content,
                evaluation: evaluation, generatedAt: now())
            scored.report = try EncodedReport(report)
            scored.percent = report.percent
        }
        return scored
    }

    private func log(_ scored: Scored, submissionID: String, logger: Logger) {
        var logger = logger
        logger[metadataKey: "submission_id"] = .string(submissionID)
        guard scored.isNew else {
            logger.info("submission already scored")
            return
        }
        // A new evaluation's transaction stored its report job (an existing one's had).
        if scored.report == nil {
            JobMetrics.enqueued(queue: reportQueue, kind: JobKind.buildReport)
        } else {
            JobMetrics.ranInline(queue: reportQueue, kind: JobKind.buildReport)
        }
        logger.info(
            "submission scored",
            metadata: [
                "points": .stringConvertible(scored.points),
                "max_points": .stringConvertible(scored.maxPoints),
            ])
        if let percent = scored.percent {
            logger.info("report stored", metadata: ["percent": .stringConvertible(percent)])
        }
    }
}
