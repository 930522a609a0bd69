import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// A dashboard page rendered from `template`.
    static func dashboardPage(_ page: Any, template: String, status: HTTPResponse.Status = .ok) -> Response {
        html(DashboardTemplates.render(page, template: template), status: status)
    }

    /// An HTML answer.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A `303 See Other` to `location`, where a browser goes with a GET.
    static func seeOther(_ location: String) -> Response {
        .redirect(to: location, type: .normal)
    }

    /// Sets the session cookie: HttpOnly, SameSite=Strict, Path=/admin, and Secure when `secure`;
    /// an empty value with an expiry in the past clears it.
    mutating func setSessionCookie(_ value: String, secure: Bool) {
        let clears = value.isEmpty
        setCookie(
            Cookie(
                name: DashboardSessions.cookieName, value: value,
                expires: clears ? Date(timeIntervalSince1970: 0) : nil,
                maxAge: clears ? 0 : Int(DashboardSessions.lifetime), path: "/admin", secure: secure,
                httpOnly: true, sameSite: .strict))
    }
}
