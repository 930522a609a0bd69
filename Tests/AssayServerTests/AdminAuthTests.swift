import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// An admin route, for the authentication tests.
struct AdminRoute: Sendable, CustomTestStringConvertible {
    var method: HTTPRequest.Method
    var path: String

    var testDescription: String { "\(method) \(path)" }
}

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct AdminAuthTests {
    static let routes = [
        AdminRoute(method: .get, path: "/api/admin/assessments"),
        AdminRoute(method: .post, path: "/api/admin/assessments"),
        AdminRoute(method: .get, path: "/api/admin/assessments/swift-basics"),
        AdminRoute(method: .get, path: "/api/admin/submissions"),
        AdminRoute(method: .get, path: "/api/admin/submissions/some-id"),
        AdminRoute(method: .get, path: "/api/admin/submissions/some-id/report"),
        AdminRoute(method: .get, path: "/api/admin/queue/status"),
    ]

    /// `Authorization` values that must not let anyone in; `nil` sends none.
    static let badCredentials: [String?] = [
        nil,
        "Bearer wrong-token-0123456789abcdef",
        "Basic \(Data("admin:\(AssayFixture.adminToken)".utf8).base64EncodedString())",
        AssayFixture.adminToken,
        "Bearer",
        "Bearer \(AssayFixture.adminToken)x",
    ]

    @Test(arguments: routes, badCredentials)
    func adminRouteWithoutTheRightBearerTokenIs401(route: AdminRoute, authorization: String?) async throws {
        try await AssayFixture.current().withApp { client in
            var headers: HTTPFields = [.contentType: "application/json"]
            headers[.authorization] = authorization
            try await client.execute(uri: route.path, method: route.method, headers: headers, body: nil) {
                response in
                try expectError(response, status: .unauthorized, code: "unauthorized")
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
            }
        }
    }

    @Test(arguments: ["Bearer", "bearer", "BEARER"])
    func theRightTokenIsAcceptedWhateverTheSchemesCase(scheme: String) async throws {
        try await AssayFixture.current().withApp { client in
            let headers: HTTPFields = [.authorization: "\(scheme) \(AssayFixture.adminToken)"]
            try await client.execute(uri: "/api/admin/queue/status", method: .get, headers: headers) {
                response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func candidateRoutesNeedNoToken() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/api/candidate/assessment/swift-basics", method: .get) {
                response in
                #expect(response.status == .ok)
            }
        }
    }
}
