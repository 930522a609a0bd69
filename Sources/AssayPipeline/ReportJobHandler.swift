import AssayCore
import AssayLLM
import AssayStore
import Foundation
import JobQueue
import Logging

/// Builds a submission's report from its evaluation and stores it, once.
///
/// With a report writer (the LLM scorer's), the model writes the summary, strengths and areas to
/// improve, and its calls join the report's; when its words fail validation twice, the template's
/// stay. Its other errors follow the engine's retry rules.
struct ReportJobHandler: JobHandler {
    let store: any AssayStore
    let writer: LLMReportWriter?
    let timeout: Duration
    let now: @Sendable () -> Date

    var kind: String { JobKind.buildReport }

    // Split in small async steps, as the scoring handler is: a job waits in `insertReport` for its
    // transaction with only `handle`'s frame under it, holding the encoded report.
    func handle(_ job: Job, logger: Logger) async throws -> JobHandlerOutcome {
        let payload = try SubmissionJobPayload.decode(from: job)
        guard let (report, percent) = try await report(for: payload.submissionID, logger: logger) else {
            logger.info("report already stored", metadata: ["submission_id": .string(payload.submissionID)])
            return .finished
        }
        let completed = try await store.insertReport(report, completing: job.lease)
        logger.info(
            "report stored",
            metadata: [
                "submission_id": .string(payload.submissionID), "percent": .stringConvertible(percent),
            ])
        return completed ? .completedWithResult : .finished
    }

    /// The submission's report, built from its evaluation (and written by the model, with a
    /// writer) and encoded for the store, with its percent; nil when it has one stored.
    private func report(for submissionID: String, logger: Logger) async throws -> (
        EncodedReport, percent: Double
    )? {
        var logger = logger
        logger[metadataKey: "submission_id"] = .string(submissionID)
        guard let submission = try await store.submissionWork(id: submissionID) else {
            throw JobHandlerError.permanent("submission \(submissionID) does not exist")
        }
        if submission.hasReport { return nil }
        guard let evaluation = submission.evaluation else {
            throw JobHandlerError.permanent("submission \(submission.id) has no evaluation to report on")
        }
        guard let assessment = try await store.assessment(id: submission.assessmentID) else {
            throw JobHandlerError.permanent("assessment \(submission.assessmentID) does not exist")
        }
        var report = ReportBuilder.build(
            submissionID: submission.id, assessment: assessment, content: submission.content,
            evaluation: evaluation, generatedAt: now())
        if let writer { report = try await written(report, by: writer, logger: logger) }
        return (try EncodedReport(report), report.percent)
    }

    /// `report` with the model's words, or with the template's when the model's fail validation twice.
    private func written(_ report: Report, by writer: LLMReportWriter, logger: Logger) async throws -> Report
    {
        do {
            let (narrative, calls) = try await writer.write(for: report)
            var written = report
            written.summary = narrative.summary
            written.strengths = narrative.strengths
            written.improvements = narrative.improvements
            written.modelCalls = (report.modelCalls ?? []) + calls
            written.model = calls.last?.model ?? report.model
            return written
        } catch let error as LLMError {
            guard case .invalidAnswer(let reason) = error else { throw error.forJobEngine }
            logger.warning(
                "the model's report words failed validation twice; the template's are kept",
                metadata: ["reason": .string(reason)])
            return report
        }
    }
}
