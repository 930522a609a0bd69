import Foundation
import HTTPTypes
import Hummingbird

extension Request {
    /// Whether the request came over TLS, as the proxy in front says with `X-Forwarded-Proto: https`.
    var cameOverTLS: Bool {
        headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// Whether a browser's POST comes from the dashboard's own origin.
    ///
    /// The `Origin` header, when sent, must be this server's scheme and host; without it, the
    /// `Referer`, when sent, must be on this origin. A request with neither (not a browser's form)
    /// passes this check and still needs its CSRF token.
    var isSameOrigin: Bool {
        let host = head.authority
        let origin = host.map { "\(cameOverTLS ? "https" : "http")://\($0)" }
        if let given = headers[.origin] {
            return given == origin
        }
        if let referer = headers[.referer] {
            guard let origin else { return false }
            return referer == origin || referer.hasPrefix(origin + "/")
        }
        return true
    }

    /// The signed-in session the request's cookie carries, if it carries a valid one.
    func dashboardSession(_ sessions: DashboardSessions, now: Date) -> DashboardSession? {
        guard let value = cookies[DashboardSessions.cookieName]?.value else { return nil }
        return sessions.session(cookieValue: value, now: now)
    }

    /// The fields of a dashboard form; a body that is not a form is a 400.
    func dashboardForm(context: some RequestContext) async throws -> DashboardForm {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        do {
            return try URLEncodedFormDecoder().decode(DashboardForm.self, from: String(buffer: buffer))
        } catch {
            throw APIError.badRequest("the body is not a form", code: "invalid_form")
        }
    }
}
