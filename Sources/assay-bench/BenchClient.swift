import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// The benchmarks' HTTP client: AsyncHTTPClient, with at most `connections` connections to the
/// server, and no request that waits more than `timeout` for its answer.
struct BenchClient: Sendable {
    private let client: HTTPClient
    private let timeout: TimeAmount

    /// The largest answer a benchmark reads.
    private static let maximumBody = 16 << 20

    /// Runs `body` with a new client, which is shut down afterwards.
    static func with<Result>(
        connections: Int, timeout: TimeAmount = .seconds(30), _ body: (BenchClient) async throws -> Result
    ) async throws -> Result {
        let client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup,
            configuration: .init(
                timeout: .init(connect: .seconds(10), read: timeout),
                connectionPool: .init(
                    idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)))
        do {
            let result = try await body(BenchClient(client: client, timeout: timeout))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Sends a request, with `json` as its body and `token` as its bearer token, and reads the answer.
    func send(_ method: HTTPMethod, _ url: String, token: String? = nil, json: Data? = nil) async throws
        -> (status: Int, body: Data)
    {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        }
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: Self.maximumBody)
        return (Int(response.status.code), Data(body.readableBytesView))
    }
}
