import AssayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct ErrorResponseTests {
    @Test(arguments: [
        "/", "/nope", "/api", "/api/candidate/nothing", "/api/candidate/assessment/swift-basics/extra",
    ])
    func unknownRouteIs404InTheErrorShape(path: String) async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: path, method: .get) { response in
                try expectError(response, status: .notFound, code: "not_found")
            }
        }
    }

    @Test func unknownAdminRouteIs404EvenWithTheToken() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/nothing")
            try expectError(response, status: .notFound, code: "not_found")
        }
    }

    @Test func assessmentOver1MiBIs413() async throws {
        let padding = String(repeating: " ", count: 1 << 20)
        try await AssayFixture.current().withApp { client in
            let json = SampleSubmissions.assessmentJSON(id: "huge") + padding
            let response = try await client.admin(.post, "/api/admin/assessments", json: json)
            try expectError(response, status: .contentTooLarge, code: "body_too_large")
        }
    }

    @Test func wrongMethodIsA4xxInTheErrorShape() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/api/candidate/assessment/swift-basics/submit", method: .get) {
                response in
                #expect((400..<500).contains(response.status.code), "status: \(response.status)")
                let detail = try #require(try response.jsonObject()["error"] as? [String: Any])
                #expect(detail["code"] is String)
                #expect(detail["message"] is String)
            }
        }
    }
}
