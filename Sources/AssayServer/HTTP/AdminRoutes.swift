import AssayCore
import AssayStore
import Foundation
import HTTPTypes
import Hummingbird
import JobQueue
import Logging

extension AssayRouter {
    /// The admin's routes, behind the bearer token: assessments, submissions, reports, queue status.
    static func addAdminRoutes(to router: Router<AppRequestContext>, dependencies: AssayDependencies) {
        let admin = router.group("api/admin").add(
            middleware: AdminAuthMiddleware(token: dependencies.adminToken))
        let store = dependencies.store

        admin.post("assessments") { request, context in
            let body = try await request.jsonBody(context: context)
            let assessment = try AssayJSON.decoder().decode(Assessment.self, from: body)
            try assessment.validate()
            try await store.insertAssessment(assessment, at: dependencies.now())
            context.logger.info("assessment created", metadata: ["assessment_id": .string(assessment.id)])
            return try Response.json(assessment, status: .created)
        }
        admin.get("assessments") { request, _ in
            let limit = try request.pagingParameter("limit", default: 50, in: 1...500)
            let offset = try request.pagingParameter("offset", default: 0, in: 0...Int(Int32.max))
            let page = try await store.listAssessments(limit: limit, offset: offset)
            return try Response.json(
                PageResponse(
                    items: page.items.map { AssessmentSummaryResponse($0) }, total: page.total, limit: limit,
                    offset: offset))
        }
        admin.get("assessments/:test_id") { _, context in
            try Response.json(try await findAssessment(context: context, dependencies: dependencies))
        }
        admin.get("submissions") { request, _ in
            let limit = try request.pagingParameter("limit", default: 50, in: 1...500)
            let offset = try request.pagingParameter("offset", default: 0, in: 0...Int(Int32.max))
            var status: SubmissionStatus?
            if let text = request.uri.queryParameters.get("status") {
                guard let parsed = SubmissionStatus(rawValue: text) else {
                    let accepted = SubmissionStatus.allCases.map(\.rawValue).joined(separator: ", ")
                    throw APIError.badRequest("status must be one of \(accepted)", code: "invalid_query")
                }
                status = parsed
            }
            let assessmentID = request.uri.queryParameters.get("assessment_id")
            if let assessmentID, !Assessment.isValidID(assessmentID) {
                throw APIError.badRequest(
                    "assessment_id must be an assessment id: 1 to 64 characters of a-z, 0-9 and '-'",
                    code: "invalid_query")
            }
            let query = SubmissionQuery(
                assessmentID: assessmentID, status: status,
                limit: limit, offset: offset)
            let page = try await store.listSubmissions(query)
            return try Response.json(
                PageResponse(
                    items: page.items.map { SubmissionResponse($0) }, total: page.total, limit: limit,
                    offset: offset))
        }
        admin.get("submissions/:submission_id") { _, context in
            try Response.json(SubmissionResponse(try await findSubmission(context: context, store: store)))
        }
        admin.get("submissions/:submission_id/report") { request, context in
            let submission = try await findSubmission(context: context, store: store)
            guard let report = try await store.report(submissionID: submission.id) else {
                throw APIError(
                    .notFound, code: "report_not_ready",
                    message:
                        "submission '\(submission.id)' has no report yet (status: \(submission.status.rawValue))"
                )
            }
            switch request.uri.queryParameters.get("format") ?? "json" {
            case "json":
                return try Response.json(report)
            case "html":
                return Response(
                    status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                    body: .init(byteBuffer: .init(string: ReportPage(report).render())))
            default:
                throw APIError.badRequest("format must be json or html", code: "invalid_query")
            }
        }
        addQueueRoutes(to: admin, dependencies: dependencies)
    }

    private static func findSubmission(context: AppRequestContext, store: any AssayStore) async throws
        -> SubmissionRecord
    {
        let id = try context.parameters.require("submission_id")
        guard let submission = try await store.submission(id: id) else {
            throw APIError.notFound("submission \(QuotedInput.quote(id)) does not exist")
        }
        return submission
    }
}
