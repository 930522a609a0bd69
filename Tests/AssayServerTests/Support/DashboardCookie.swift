import Foundation

@testable import AssayServer

/// Session cookies made outside the app under test.
enum DashboardCookie {
    /// A valid session cookie, as `name=value`, signed under another admin token.
    static func signed(by adminToken: String) -> String {
        let value = DashboardSessions(adminToken: adminToken).issue(now: Date()).cookieValue
        return "\(DashboardSessions.cookieName)=\(value)"
    }
}
