import AssayCore
import AssayStore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import JobQueue
import Testing

/// The admin dashboard at `/admin`: sign-in, the session cookie, CSRF, and each page.
@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct DashboardRoutesTests {
    private static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    // MARK: Signing in and out

    @Test func signInWithAWrongTokenIsRefused() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.signIn(token: "not-the-token")
            #expect(response.status == .unauthorized)
            #expect(response.headers[.setCookie] == nil)
            #expect(response.text.contains("That is not the admin token."))
            #expect(try await client.postForm("/admin/login", "").status == .unauthorized)
        }
    }

    @Test func signInSetsASignedSessionCookieWithItsFlags() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.signIn()
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/admin")
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.hasPrefix("assay_session="))
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/admin"))
            #expect(!cookie.contains("Secure"))
            #expect(!cookie.contains(AssayFixture.adminToken))

            let overTLS = try await client.signIn(headers: [Self.forwardedProto: "https"])
            #expect(overTLS.headers[.setCookie]?.contains("; Secure") == true)
        }
    }

    @Test func signInFromAnotherOriginIsRefused() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.signIn(headers: [.origin: "https://evil.example"])
            #expect(response.status == .forbidden)
            #expect(response.headers[.setCookie] == nil)
        }
    }

    @Test(arguments: [
        "/admin", "/admin/queues", "/admin/dead-letters", "/admin/submissions",
        "/admin/submissions/s1/report",
    ])
    func aPageWithoutAValidCookieRedirectsToSignIn(path: String) async throws {
        try await AssayFixture.current().withApp { client in
            let otherToken = DashboardCookie.signed(by: "an-old-admin-token")
            for cookie in [nil, "assay_session=forged", otherToken] {
                let response = try await client.dashboard(path, cookie: cookie)
                #expect(response.status == .seeOther, "cookie: \(cookie ?? "none")")
                #expect(response.headers[.location] == "/admin/login")
            }
        }
    }

    @Test func signOutClearsTheCookie() async throws {
        try await AssayFixture.current().withApp { client in
            let cookie = try await client.signedInCookie()
            let csrf = try await client.csrfToken(cookie: cookie)
            let response = try await client.postForm("/admin/logout", "csrf=\(csrf)", cookie: cookie)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/admin/login")
            let cleared = try #require(response.headers[.setCookie])
            #expect(cleared.hasPrefix("assay_session=;"))
            #expect(cleared.contains("Max-Age=0"))
            #expect(cleared.contains("Path=/admin"))
        }
    }

    // MARK: Pages

    @Test func overviewShowsTheCountsPerQueueWithTheDashboardsHeaders() async throws {
        try await AssayFixture.current().withApp { client in
            for _ in 0..<3 { _ = try await client.submitAccepted() }
            let cookie = try await client.signedInCookie()
            let response = try await client.dashboard("/admin", cookie: cookie)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[Self.referrerPolicy] == "same-origin")
            let policy = response.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("script-src 'self'"))
            #expect(!policy.contains("unsafe-inline"))
            #expect(
                response.text.contains(
                    #"<td class="id" data-label="Queue">scoring-jobs</td><td class="number" data-label="Active">3</td>"#
                ))
            #expect(
                response.text.contains(
                    #"<td class="id" data-label="Queue">report-jobs</td><td class="number" data-label="Active">0</td>"#
                ))
            #expect(response.text.contains(#"<script src="/admin/assets/dashboard.js" defer></script>"#))
            #expect(!response.text.contains("<script>"), "no inline script")

            let fragment = try await client.dashboard("/admin/queues", cookie: cookie)
            #expect(fragment.status == .ok)
            #expect(
                fragment.text.contains(
                    #"<td class="id" data-label="Queue">scoring-jobs</td><td class="number" data-label="Active">3</td>"#
                ))
            #expect(!fragment.text.contains("<html"))
        }
    }

    @Test func theAssetsAreServedWithoutASession() async throws {
        try await AssayFixture.current().withApp { client in
            let css = try await client.dashboard("/admin/assets/dashboard.css", cookie: nil)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            let script = try await client.dashboard("/admin/assets/dashboard.js", cookie: nil)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(script.text.contains("data-refresh"))
        }
    }

    @Test func theDashboardsReportIsTheAPIsPrintablePageWithItsStrictPolicy() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionID = try await client.submitAccepted()
            try await client.waitUntilCompleted(submissionID)
            let cookie = try await client.signedInCookie()
            let page = try await client.dashboard("/admin/submissions/\(submissionID)/report", cookie: cookie)
            #expect(page.status == .ok)
            let api = try await client.admin(
                .get, "/api/admin/submissions/\(submissionID)/report?format=html")
            #expect(page.text == api.text)
            #expect(page.headers[.contentSecurityPolicy] == api.headers[.contentSecurityPolicy])
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src") == false)
            #expect(page.headers[Self.referrerPolicy] == "no-referrer")

            let missing = try await client.dashboard("/admin/submissions/none/report", cookie: cookie)
            #expect(missing.status == .notFound)
        }
    }

    // MARK: Dead letters

    @Test func deadLettersShowTheErrorHistoryAndRetryWorks() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            _ = try await client.submitAccepted()
            let dead = try await fixture.failNextJob(message: "scorer <b>exploded</b>")
            let cookie = try await client.signedInCookie()
            let page = try await client.dashboard("/admin/dead-letters", cookie: cookie)
            #expect(page.status == .ok)
            #expect(page.text.contains(dead.id))
            #expect(page.text.contains("Attempt 1"))
            #expect(page.text.contains("scorer &lt;b&gt;exploded&lt;/b&gt;"))
            let action = "action=\"/admin/dead-letters/\(dead.id)/retry\""
            #expect(page.text.contains(action))

            let csrf = try await client.csrfToken(from: "/admin/dead-letters", cookie: cookie)
            let response = try await client.postForm(
                "/admin/dead-letters/\(dead.id)/retry", "csrf=\(csrf)", cookie: cookie)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/admin/dead-letters?done=retried")
            let job = try #require(try await fixture.store.jobs.job(id: dead.id))
            #expect(job.state == .available)
            #expect(job.errors.map(\.message) == ["scorer <b>exploded</b>"])

            let again = try await client.postForm(
                "/admin/dead-letters/\(dead.id)/retry", "csrf=\(csrf)", cookie: cookie)
            #expect(again.status == .notFound)
        }
    }

    @Test func discardRemovesTheDeadLetter() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            _ = try await client.submitAccepted()
            let dead = try await fixture.failNextJob()
            let cookie = try await client.signedInCookie()
            let csrf = try await client.csrfToken(cookie: cookie)
            let response = try await client.postForm(
                "/admin/dead-letters/\(dead.id)/discard", "csrf=\(csrf)", cookie: cookie)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/admin/dead-letters?done=discarded")
            #expect(try await fixture.store.jobs.job(id: dead.id) == nil)
            let page = try await client.dashboard("/admin/dead-letters?done=discarded", cookie: cookie)
            #expect(page.text.contains("The job was discarded."))
            #expect(page.text.contains("No dead letters."))
        }
    }

    @Test func aFormWithoutTheSessionsCSRFTokenIsRefused() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            _ = try await client.submitAccepted()
            let dead = try await fixture.failNextJob()
            let cookie = try await client.signedInCookie()
            let otherSession = try await client.csrfToken(cookie: try await client.signedInCookie())
            let csrf = try await client.csrfToken(cookie: cookie)
            let refused: [(form: String, headers: HTTPFields)] = [
                ("", [:]),
                ("csrf=", [:]),
                ("csrf=\(String(repeating: "0", count: 64))", [:]),
                ("csrf=\(otherSession)", [:]),
                ("csrf=\(csrf)", [.origin: "https://evil.example"]),
                ("csrf=\(csrf)", [.origin: "null"]),
                ("csrf=\(csrf)", [.referer: "https://evil.example/admin"]),
            ]
            for attempt in refused {
                for action in ["retry", "discard"] {
                    let response = try await client.postForm(
                        "/admin/dead-letters/\(dead.id)/\(action)", attempt.form, cookie: cookie,
                        headers: attempt.headers)
                    #expect(response.status == .forbidden, "\(action) with \(attempt)")
                }
            }
            let logout = try await client.postForm("/admin/logout", "", cookie: cookie)
            #expect(logout.status == .forbidden)
            #expect(try await fixture.store.jobs.job(id: dead.id)?.state == .dead)
        }
    }

    // MARK: Submissions

    @Test func submissionsPageWithItsFilters() async throws {
        try await AssayFixture.current().withApp { client in
            for _ in 0..<30 { _ = try await client.submitAccepted() }
            let cookie = try await client.signedInCookie()

            let first = try await client.dashboard("/admin/submissions", cookie: cookie)
            #expect(first.status == .ok)
            #expect(
                first.text.components(separatedBy: "<tr><td class=\"candidate\" data-label=\"Candidate\">")
                    .count - 1 == 25)
            #expect(first.text.contains("1–25 of 30"))
            #expect(first.text.contains(#"href="/admin/submissions?offset=25" rel="next""#))
            #expect(!first.text.contains(#"rel="prev""#))

            let second = try await client.dashboard("/admin/submissions?offset=25", cookie: cookie)
            #expect(
                second.text.components(separatedBy: "<tr><td class=\"candidate\" data-label=\"Candidate\">")
                    .count - 1 == 5)
            #expect(second.text.contains("26–30 of 30"))
            #expect(second.text.contains(#"href="/admin/submissions?offset=0" rel="prev""#))

            let queued = try await client.dashboard(
                "/admin/submissions?status=queued&assessment_id=swift-basics", cookie: cookie)
            #expect(queued.text.contains("1–25 of 30"))
            #expect(queued.text.contains(#"<option value="queued" selected>queued</option>"#))
            #expect(queued.text.contains(#"status=queued&amp;assessment_id=swift-basics&amp;offset=25"#))
            let completed = try await client.dashboard("/admin/submissions?status=completed", cookie: cookie)
            #expect(completed.text.contains("No submission matches."))
            let other = try await client.dashboard("/admin/submissions?assessment_id=other", cookie: cookie)
            #expect(other.text.contains("No submission matches."))

            for bad in ["status=lost", "assessment_id=Not%20An%20Id", "offset=-1"] {
                let response = try await client.dashboard("/admin/submissions?\(bad)", cookie: cookie)
                #expect(response.status == .badRequest, "\(bad)")
            }
        }
    }

    @Test func aCandidatesTextIsEscapedOnEveryPage() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let candidate = Candidate(name: "<script>alert(1)</script>", email: "x\"@example.com")
            let submissionID = try await client.submitAccepted(
                SubmissionContent(candidate: candidate, answers: SampleSubmissions.perfectAnswers))
            try await client.waitUntilCompleted(submissionID)
            let cookie = try await client.signedInCookie()
            for path in ["/admin/submissions", "/admin/submissions/\(submissionID)/report"] {
                let page = try await client.dashboard(path, cookie: cookie)
                #expect(page.status == .ok)
                #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
                #expect(page.text.contains("x&quot;@example.com"), "\(path)")
                #expect(!page.text.contains("<script>alert"), "\(path)")
            }
        }
    }
}
