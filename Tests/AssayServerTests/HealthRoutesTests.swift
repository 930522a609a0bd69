import AssayStore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct HealthRoutesTests {
    @Test func healthAnswersOK() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.jsonObject()
                #expect(body["status"] as? String == "ok")
            }
        }
    }

    @Test func readyAnswersReadyWhenTheDatabaseAnswers() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .ok)
                let body = try response.jsonObject()
                #expect(body["status"] as? String == "ready")
            }
        }
    }

    @Test func readyIs503WhenTheDatabaseIsClosed() async throws {
        let fixture = try AssayFixture.current()
        let database = try await TestDatabase.create(TestBackend.selected)
        let closed = try await database.openStore()
        try await closed.close()
        do {
            try await fixture.withApp(store: closed) { client in
                try await client.execute(uri: "/ready", method: .get) { response in
                    try expectError(response, status: .serviceUnavailable, code: "database_unavailable")
                }
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}
