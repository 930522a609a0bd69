import HTTPTypes
import Hummingbird

/// Adds the headers that keep a browser from misreading Assay's answers, on every response,
/// errors included.
///
/// - `X-Content-Type-Options: nosniff`: a JSON answer is never run as a script or page.
/// - `Content-Security-Policy`: nothing loads, and no script runs; the HTML report may style itself.
///   The dashboard's pages (`/admin/…`, but its printable reports) may load their own stylesheet and
///   script, fetch from their origin and post forms to it: never an inline script.
/// - `Referrer-Policy: no-referrer`: a report's address (its submission id) never leaves in a referrer;
///   `same-origin` on the dashboard, so that its forms' `Origin` is sent and checked.
/// - `Cache-Control: no-store` on `/api/admin/…` and `/admin/…`: answer keys, candidates and reports
///   are never cached.
///
/// Add it before ``ErrorMiddleware`` so that it wraps the error answers too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Forbids every source but inline styles: no script, frame, form, image or connection.
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    /// The dashboard's: its own stylesheet, script, fetches and forms, nothing else.
    static var dashboardContentSecurityPolicy: String {
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'"
    }

    private static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        let path = request.uri.path
        let dashboardPage = Self.isDashboard(path) && !path.hasSuffix("/report")
        response.headers[.contentSecurityPolicy] =
            dashboardPage ? Self.dashboardContentSecurityPolicy : Self.contentSecurityPolicy
        response.headers[Self.referrerPolicy] = dashboardPage ? "same-origin" : "no-referrer"
        if Self.isDashboard(path) || path == "/api/admin" || path.hasPrefix("/api/admin/") {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }

    private static func isDashboard(_ path: String) -> Bool {
        path == "/admin" || path.hasPrefix("/admin/")
    }
}
