import AssayStore
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture)
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
        let closed = try await SQLiteStore.open(
            path: fixture.directory.appending(path: "closed.sqlite").path, logger: fixture.logger)
        try await closed.close()
        try await fixture.withApp(store: closed) { client in
            try await client.execute(uri: "/ready", method: .get) { response in
                try expectError(response, status: .serviceUnavailable, code: "database_unavailable")
            }
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
