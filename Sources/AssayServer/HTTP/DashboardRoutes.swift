import AssayCore
import AssayStore
import Foundation
import HTTPTypes
import Hummingbird
import JobQueue
import Logging
import NIOCore

extension AssayRouter {
    /// How many rows a dashboard listing shows at once.
    static let dashboardPageSize = 25

    /// The admin dashboard at `/admin`: server-rendered pages behind a session cookie.
    ///
    /// `POST /admin/login` with the admin token signs in; every other page without a valid session
    /// answers `303` to the sign-in form. Every other POST needs the session's CSRF token in its
    /// `csrf` field and, from a browser, an `Origin` (or `Referer`) of this server: else `403`.
    static func addDashboardRoutes(to router: Router<AppRequestContext>, dependencies: AssayDependencies) {
        let sessions = DashboardSessions(adminToken: dependencies.adminToken)
        let now = dependencies.now
        let jobs = dependencies.store.jobs

        router.get("admin/assets/dashboard.css") { _, _ in
            asset(DashboardTemplates.stylesheet, contentType: "text/css; charset=utf-8")
        }
        router.get("admin/assets/dashboard.js") { _, _ in
            asset(DashboardTemplates.script, contentType: "text/javascript; charset=utf-8")
        }
        router.get("admin/login") { _, _ in
            Response.dashboardPage(DashboardPages.Login(error: nil), template: "login")
        }
        router.post("admin/login") { request, context in
            guard request.isSameOrigin else { return refused(session: nil, back: "/admin/login") }
            let form = try await request.dashboardForm(context: context)
            guard let token = form.token, sessions.isAdminToken(token) else {
                context.logger.notice("dashboard sign-in refused")
                return Response.dashboardPage(
                    DashboardPages.Login(error: "That is not the admin token."), template: "login",
                    status: .unauthorized)
            }
            var response = Response.seeOther("/admin")
            response.setSessionCookie(sessions.issue(now: now()).cookieValue, secure: request.cameOverTLS)
            context.logger.notice("dashboard signed in")
            return response
        }
        router.post("admin/logout") { request, context in
            try await whenPosted(request, context: context, sessions: sessions, now: now()) { _ in
                var response = Response.seeOther("/admin/login")
                response.setSessionCookie("", secure: request.cameOverTLS)
                return response
            }
        }
        router.get("admin") { request, _ in
            guard let session = request.dashboardSession(sessions, now: now()) else { return signIn() }
            let status = try await queueStatus(dependencies: dependencies)
            return Response.dashboardPage(
                DashboardPages.Overview(csrfToken: session.csrfToken, status: status), template: "overview")
        }
        router.get("admin/queues") { request, _ in
            guard request.dashboardSession(sessions, now: now()) != nil else { return signIn() }
            return Response.dashboardPage(
                try await queueStatus(dependencies: dependencies), template: "queues")
        }
        router.get("admin/dead-letters") { request, _ in
            guard let session = request.dashboardSession(sessions, now: now()) else { return signIn() }
            let offset = try request.pagingParameter("offset", default: 0, in: 0...Int(Int32.max))
            let page = try await jobs.deadJobs(queue: nil, limit: dashboardPageSize, offset: offset)
            let paging = DashboardPaging(
                path: "/admin/dead-letters", query: [], offset: offset, limit: dashboardPageSize,
                shown: page.jobs.count, total: page.total)
            let notice = request.uri.queryParameters.get("done").flatMap { done in
                ["retried": "The job was given fresh attempts.", "discarded": "The job was discarded."][done]
            }
            return Response.dashboardPage(
                DashboardPages.DeadLetters(
                    csrfToken: session.csrfToken, notice: notice, hasJobs: !page.jobs.isEmpty,
                    jobs: page.jobs.map(DashboardPages.DeadLetters.DeadJob.init), summary: paging.summary,
                    previous: paging.previous, next: paging.next),
                template: "dead-letters")
        }
        router.post("admin/dead-letters/:job_id/retry") { request, context in
            try await whenPosted(request, context: context, sessions: sessions, now: now()) { session in
                let id = try context.parameters.require("job_id")
                guard let job = try await jobs.retryDeadJob(id: id) else {
                    return noDeadJob(id, session: session)
                }
                context.logger.notice(
                    "dead letter retried", metadata: ["job_id": .string(id), "queue": .string(job.queue)])
                return Response.seeOther("/admin/dead-letters?done=retried")
            }
        }
        router.post("admin/dead-letters/:job_id/discard") { request, context in
            try await whenPosted(request, context: context, sessions: sessions, now: now()) { session in
                let id = try context.parameters.require("job_id")
                guard try await jobs.discardDeadJob(id: id) else { return noDeadJob(id, session: session) }
                context.logger.notice("dead letter discarded", metadata: ["job_id": .string(id)])
                return Response.seeOther("/admin/dead-letters?done=discarded")
            }
        }
        router.get("admin/submissions") { request, _ in
            guard let session = request.dashboardSession(sessions, now: now()) else { return signIn() }
            return try await submissionsPage(request, session: session, store: dependencies.store)
        }
        router.get("admin/submissions/:submission_id/report") { request, context in
            guard let session = request.dashboardSession(sessions, now: now()) else { return signIn() }
            let id = try context.parameters.require("submission_id")
            guard let report = try await dependencies.store.report(submissionID: id) else {
                return Response.dashboardPage(
                    DashboardPages.Message(
                        title: "No report", signedIn: true, csrfToken: session.csrfToken,
                        message: "Submission \(QuotedInput.quote(id)) has no report.",
                        back: "/admin/submissions"),
                    template: "message", status: .notFound)
            }
            return Response.html(ReportPage(report).render())
        }
    }

    private static func submissionsPage(_ request: Request, session: DashboardSession, store: any AssayStore)
        async throws -> Response
    {
        let offset = try request.pagingParameter("offset", default: 0, in: 0...Int(Int32.max))
        let statusText = request.uri.queryParameters.get("status").map { String($0) } ?? ""
        let status = SubmissionStatus(rawValue: statusText)
        guard statusText.isEmpty || status != nil else {
            let accepted = SubmissionStatus.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("status must be one of \(accepted)", code: "invalid_query")
        }
        let assessmentID = request.uri.queryParameters.get("assessment_id").map { String($0) } ?? ""
        guard assessmentID.isEmpty || Assessment.isValidID(assessmentID) else {
            throw APIError.badRequest(
                "assessment_id must be an assessment id: 1 to 64 characters of a-z, 0-9 and '-'",
                code: "invalid_query")
        }
        let page = try await store.listSubmissions(
            SubmissionQuery(
                assessmentID: assessmentID.isEmpty ? nil : assessmentID, status: status,
                limit: dashboardPageSize, offset: offset))
        let filters = [("status", statusText), ("assessment_id", assessmentID)].filter { !$0.1.isEmpty }
        let paging = DashboardPaging(
            path: "/admin/submissions", query: filters, offset: offset, limit: dashboardPageSize,
            shown: page.items.count, total: page.total)
        let options =
            [DashboardPages.Submissions.StatusOption(value: "", label: "any", selected: status == nil)]
            + SubmissionStatus.allCases.map {
                .init(value: $0.rawValue, label: $0.rawValue, selected: $0 == status)
            }
        return Response.dashboardPage(
            DashboardPages.Submissions(
                csrfToken: session.csrfToken, statuses: options, assessmentID: assessmentID,
                hasRows: !page.items.isEmpty, rows: page.items.map(DashboardPages.Submissions.Row.init),
                summary: paging.summary, previous: paging.previous, next: paging.next),
            template: "submissions")
    }

    /// Runs `body` for a POST from a signed-in session whose form carries its CSRF token and whose
    /// browser says it comes from this origin; without a session, `303` to the sign-in form; else `403`.
    private static func whenPosted(
        _ request: Request, context: AppRequestContext, sessions: DashboardSessions, now: Date,
        _ body: (DashboardSession) async throws -> Response
    ) async throws -> Response {
        guard let session = request.dashboardSession(sessions, now: now) else { return signIn() }
        let form = try await request.dashboardForm(context: context)
        guard request.isSameOrigin, let csrf = form.csrf, sessions.isCSRFToken(csrf, of: session) else {
            context.logger.notice("dashboard form refused", metadata: ["path": .string(request.uri.path)])
            return refused(session: session, back: "/admin")
        }
        return try await body(session)
    }

    private static func queueStatus(dependencies: AssayDependencies) async throws
        -> DashboardPages.QueueStatus
    {
        let now = dependencies.now()
        let status = try await AssayApplication.queueStatus(
            store: dependencies.store, queues: [dependencies.scoringQueue, dependencies.reportQueue],
            mode: dependencies.queueMode, backend: dependencies.backendName, now: now,
            contributors: dependencies.statusContributors)
        return DashboardPages.QueueStatus(status, now: now)
    }

    private static func signIn() -> Response {
        .seeOther("/admin/login")
    }

    private static func refused(session: DashboardSession?, back: String) -> Response {
        Response.dashboardPage(
            DashboardPages.Message(
                title: "Refused", signedIn: session != nil, csrfToken: session?.csrfToken,
                message:
                    "The form did not come from this dashboard's own page: reload the page and try again.",
                back: back),
            template: "message", status: .forbidden)
    }

    private static func noDeadJob(_ id: String, session: DashboardSession) -> Response {
        Response.dashboardPage(
            DashboardPages.Message(
                title: "No such dead letter", signedIn: true, csrfToken: session.csrfToken,
                message:
                    "No dead job has id \(QuotedInput.quote(id)); it may have been retried or discarded.",
                back: "/admin/dead-letters"),
            template: "message", status: .notFound)
    }

    private static func asset(_ data: Data, contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
