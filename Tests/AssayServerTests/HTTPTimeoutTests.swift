import AssayServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The server's idle and request-read timeouts: a slow client cannot hold a connection for ever.
@Suite("HTTP timeouts", .timeLimit(.minutes(2)))
struct HTTPTimeoutTests {
    /// Runs `test` with the port of a live server built as `serve` builds its HTTP server, with
    /// short timeouts.
    func withServer(
        idleTimeout: String = "0.5", readTimeout: String = "1", _ test: @Sendable (Int) async throws -> Void
    ) async throws {
        let configuration = try AssayConfiguration(environment: [
            "HTTP_IDLE_TIMEOUT_SECONDS": idleTimeout, "HTTP_READ_TIMEOUT_SECONDS": readTimeout,
        ])
        let router = Router()
        router.post("/echo") { request, _ -> String in
            String(buffer: try await request.body.collect(upTo: 1000))
        }
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let app = Application(
            router: router, server: AssayApplication.httpServer(configuration: configuration),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in try await test(try #require(client.port)) }
    }

    /// Whether the server closes `connection` within `limit`, while `keepSending` is called every 100 ms.
    func closes(
        _ connection: RawConnection, within limit: Duration, keepSending: () -> Void = {}
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if connection.isClosedByServer { return true }
            keepSending()
            try await Task.sleep(for: .milliseconds(100))
        }
        return connection.isClosedByServer
    }

    @Test("a client that sends half a head and then nothing is disconnected after the idle timeout")
    func halfAHead() async throws {
        try await withServer { port in
            let connection = try RawConnection(port: port)
            #expect(connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "))
            #expect(try await closes(connection, within: .seconds(10)))
        }
    }

    @Test("a client that sends its body a byte at a time is disconnected after the read timeout")
    func bodyAByteAtATime() async throws {
        try await withServer { port in
            let connection = try RawConnection(port: port)
            #expect(connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n"))
            // A byte every 100 ms keeps the connection busy, never idle, for 50 s if let be.
            #expect(try await closes(connection, within: .seconds(10)) { _ = connection.send("a") })
        }
    }

    @Test("a request that arrives whole in time is answered, on a connection kept between requests")
    func promptRequestsAreAnswered() async throws {
        // Timeouts long enough for a loaded machine: this test is about what they must not cut.
        try await withServer(idleTimeout: "10", readTimeout: "10") { port in
            let connection = try RawConnection(port: port)
            for _ in 0..<2 {
                #expect(
                    connection.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi"))
                var answer = ""
                let deadline = ContinuousClock.now + .seconds(5)
                while !answer.hasSuffix("hi") && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                    answer += connection.receivedText()
                }
                #expect(answer.hasPrefix("HTTP/1.1 200"))
                #expect(answer.hasSuffix("hi"))
                #expect(connection.isClosedByServer == false)
            }
        }
    }
}
