import HTTPTypes
import Hummingbird

/// Adds the headers that keep a browser from misreading Assay's answers, on every response,
/// errors included.
///
/// - `X-Content-Type-Options: nosniff`: a JSON answer is never run as a script or page.
/// - `Content-Security-Policy`: nothing loads, and no script runs; the HTML report may style itself.
/// - `Referrer-Policy: no-referrer`: a report's address (its submission id) never leaves in a referrer.
/// - `Cache-Control: no-store` on `/api/admin/…`: answer keys, candidates and reports are never cached.
///
/// Add it before ``ErrorMiddleware`` so that it wraps the error answers too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Forbids every source but inline styles: no script, frame, form, image or connection.
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    }

    private static var referrerPolicy: HTTPField.Name { HTTPField.Name("Referrer-Policy")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[Self.referrerPolicy] = "no-referrer"
        if Self.isAdmin(request.uri.path) {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }

    private static func isAdmin(_ path: String) -> Bool {
        path == "/api/admin" || path.hasPrefix("/api/admin/")
    }
}
