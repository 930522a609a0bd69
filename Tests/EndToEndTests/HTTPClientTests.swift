import AsyncHTTPClient
import Foundation
import Testing

/// The HTTP client of the end-to-end tests: a server that does not answer fails the request at
/// its deadline instead of hanging the test.
@Suite("HTTP client of the end-to-end tests", .timeLimit(.minutes(2)))
struct HTTPClientTests {
    @Test("a server that accepts the connection and never answers fails the request at its deadline")
    func silentServer() async throws {
        let server = try SilentServer()
        defer { server.stop() }
        let client = HTTPClient(
            baseURL: try #require(URL(string: "http://127.0.0.1:\(server.port)")), timeout: .seconds(1))
        let sent = ContinuousClock.now
        await #expect {
            try await client.send("GET", "/health")
        } throws: { error in
            (error as? HTTPClientError) == .deadlineExceeded
        }
        #expect(ContinuousClock.now - sent < .seconds(10))
    }
}
