import AssayCore
import AssayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct SecurityHeadersTests {
    private static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    private func expectHardened(
        _ response: TestResponse, noStore: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
        #expect(response.headers[Self.referrerPolicy] == "no-referrer", sourceLocation: sourceLocation)
        let policy = response.headers[.contentSecurityPolicy] ?? ""
        #expect(policy.contains("default-src 'none'"), "policy: \(policy)", sourceLocation: sourceLocation)
        #expect(!policy.contains("script-src"), "policy: \(policy)", sourceLocation: sourceLocation)
        #expect(
            (response.headers[.cacheControl] == "no-store") == noStore,
            "Cache-Control: \(response.headers[.cacheControl] ?? "none")", sourceLocation: sourceLocation)
    }

    @Test func everyResponseCarriesTheBrowserHeadersErrorsIncluded() async throws {
        try await AssayFixture.current().withApp { client in
            expectHardened(try await client.execute(uri: "/health", method: .get), noStore: false)
            expectHardened(
                try await client.execute(uri: "/api/candidate/assessment/swift-basics", method: .get),
                noStore: false)
            expectHardened(try await client.execute(uri: "/no/such/route", method: .get), noStore: false)
            expectHardened(try await client.submit(json: "not json"), noStore: false)
        }
    }

    @Test func adminAnswersAreNeverStoredInACache() async throws {
        try await AssayFixture.current().withApp { client in
            expectHardened(try await client.admin(.get, "/api/admin/assessments"), noStore: true)
            expectHardened(try await client.admin(.get, "/api/admin/submissions/none"), noStore: true)
            expectHardened(
                try await client.execute(uri: "/api/admin/queue/status", method: .get), noStore: true)
        }
    }

    @Test func theHTMLReportMayStyleItselfButRunNoScript() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionID = try await client.submitAccepted()
            try await client.waitUntilCompleted(submissionID)
            let response = try await client.admin(
                .get, "/api/admin/submissions/\(submissionID)/report?format=html")
            #expect(response.status == .ok)
            expectHardened(response, noStore: true)
            let policy = response.headers[.contentSecurityPolicy] ?? ""
            #expect(policy.contains("style-src 'unsafe-inline'"))
            #expect(response.text.contains("<style>"))
        }
    }
}
