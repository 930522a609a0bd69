import Foundation
import Testing

@testable import AssayServer

/// The dashboard's signed session cookies and CSRF tokens.
@Suite struct DashboardSessionsTests {
    private let sessions = DashboardSessions(adminToken: "token-one")
    private let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func anIssuedCookieCarriesItsSessionUntilItExpires() {
        let (session, value) = sessions.issue(now: now)
        #expect(sessions.session(cookieValue: value, now: now) == session)
        #expect(sessions.session(cookieValue: value, now: now + DashboardSessions.lifetime - 1) == session)
        #expect(sessions.session(cookieValue: value, now: now + DashboardSessions.lifetime) == nil)
    }

    @Test func theCookieHoldsNoTokenAndRotatingTheTokenRevokesIt() {
        let value = sessions.issue(now: now).cookieValue
        #expect(!value.contains("token-one"))
        #expect(DashboardSessions(adminToken: "token-two").session(cookieValue: value, now: now) == nil)
    }

    @Test func aTamperedCookieIsRefused() {
        let value = sessions.issue(now: now).cookieValue
        let parts = value.split(separator: ".").map(String.init)
        let laterExpiry = "\(Int(parts[0])! + 86_400).\(parts[1]).\(parts[2])"
        let otherID = "\(parts[0]).\(String(repeating: "0", count: 32)).\(parts[2])"
        for forged in [laterExpiry, otherID, "", "a.b.c", value + "0", String(value.dropLast())] {
            #expect(sessions.session(cookieValue: forged, now: now) == nil, "\(forged)")
        }
    }

    @Test func theCSRFTokenIsTheSessionsOwn() {
        let first = sessions.issue(now: now).session
        let second = sessions.issue(now: now).session
        #expect(first.id != second.id)
        #expect(sessions.isCSRFToken(first.csrfToken, of: first))
        #expect(!sessions.isCSRFToken(second.csrfToken, of: first))
        #expect(!sessions.isCSRFToken("", of: first))
        #expect(!sessions.isCSRFToken(String(first.csrfToken.dropLast()) + "x", of: first))
    }

    @Test func onlyTheAdminTokenSignsIn() {
        #expect(sessions.isAdminToken("token-one"))
        #expect(!sessions.isAdminToken("token-on"))
        #expect(!sessions.isAdminToken(""))
    }
}
