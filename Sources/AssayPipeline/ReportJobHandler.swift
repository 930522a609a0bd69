import AssayCore
import AssayStore
import Foundation
import JobQueue
import Logging

/// Builds a submission's report from its evaluation and stores it, once.
struct ReportJobHandler: JobHandler {
    let store: any AssayStore
    let now: @Sendable () -> Date

    var kind: String { JobKind.buildReport }

    func handle(_ job: Job, logger: Logger) async throws {
        let payload = try SubmissionJobPayload.decode(from: job)
        var logger = logger
        logger[metadataKey: "submission_id"] = .string(payload.submissionID)
        guard let submission = try await store.submissionWork(id: payload.submissionID) else {
            throw JobHandlerError.permanent("submission \(payload.submissionID) does not exist")
        }
        if submission.hasReport {
            logger.info("report already stored")
            return
        }
        guard let evaluation = submission.evaluation else {
            throw JobHandlerError.permanent("submission \(submission.id) has no evaluation to report on")
        }
        guard let assessment = try await store.assessment(id: submission.assessmentID) else {
            throw JobHandlerError.permanent("assessment \(submission.assessmentID) does not exist")
        }
        let report = ReportBuilder.build(
            submissionID: submission.id, assessment: assessment, content: submission.content,
            evaluation: evaluation, generatedAt: now())
        try await store.insertReport(report)
        logger.info("report stored", metadata: ["percent": .stringConvertible(report.percent)])
    }
}
