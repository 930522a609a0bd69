import AssayCore
import AssayPipeline
import AssayStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JobQueue
import Logging

extension AssayRouter {
    /// The candidate's routes: read an assessment, submit it, follow the submission.
    static func addCandidateRoutes(to router: Router<AppRequestContext>, dependencies: AssayDependencies) {
        let candidate = router.group("api/candidate")
        candidate.get("assessment/:test_id") { _, context in
            let assessment = try await findAssessment(context: context, dependencies: dependencies)
            return try Response.json(CandidateAssessmentView(assessment))
        }
        candidate.post("assessment/:test_id/submit") { request, context in
            try await submit(request, context: context, dependencies: dependencies)
        }
        candidate.get("submissions/:submission_id") { _, context in
            let id = try context.parameters.require("submission_id")
            guard let submission = try await dependencies.store.submission(id: id) else {
                throw APIError.notFound("submission \(QuotedInput.quote(id)) does not exist")
            }
            return try Response.json(
                SubmissionStatusResponse(submissionID: submission.id, status: submission.status))
        }
    }

    static func findAssessment(context: AppRequestContext, dependencies: AssayDependencies) async throws
        -> Assessment
    {
        let id = try context.parameters.require("test_id")
        guard Assessment.isValidID(id), let assessment = try await dependencies.store.assessment(id: id)
        else {
            throw APIError.notFound("assessment \(QuotedInput.quote(id)) does not exist")
        }
        return assessment
    }

    private static func submit(
        _ request: Request, context: AppRequestContext, dependencies: AssayDependencies
    )
        async throws -> Response
    {
        let body = try await request.jsonBody(context: context)
        let idempotencyKey = try idempotencyKey(of: request)
        let assessment = try await findAssessment(context: context, dependencies: dependencies)
        let content = try AssayJSON.decode(SubmissionContent.self, from: body)
        let intake = SubmissionIntake(
            store: dependencies.store, scoringQueue: dependencies.scoringQueue,
            maxAttempts: dependencies.retryPolicy.maxAttempts, handoff: dependencies.handoff,
            now: dependencies.now)
        let outcome = try await intake.submit(
            content, to: assessment, idempotencyKey: idempotencyKey,
            fingerprint: idempotencyKey.map { _ in fingerprint(assessmentID: assessment.id, body: body) })
        var logger = context.logger
        logger[metadataKey: "submission_id"] = .string(outcome.record.id)
        logger[metadataKey: "assessment_id"] = .string(assessment.id)
        switch outcome {
        case .created:
            logger.info("submission accepted", metadata: ["queue": .string(dependencies.scoringQueue)])
        case .replayed: logger.info("submission replayed for its Idempotency-Key")
        }
        return Response.json(
            encoded: SubmitResponse(submissionID: outcome.record.id, queueMode: dependencies.currentQueueMode)
                .json)
    }

    private static func idempotencyKey(of request: Request) throws -> String? {
        guard let name = HTTPField.Name("Idempotency-Key"), let key = request.headers[name] else {
            return nil
        }
        guard (1...255).contains(key.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw APIError.badRequest(
                "Idempotency-Key must be 1 to 255 printable ASCII characters", code: "invalid_idempotency_key"
            )
        }
        return key
    }

    /// A digest of what was submitted, to tell a replay from another request under the same key.
    private static func fingerprint(assessmentID: String, body: Data) -> String {
        var hasher = SHA256()
        hasher.update(data: Data(assessmentID.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: body)
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
