import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A small JSON-over-HTTP client for talking to a running `assay serve`.
///
/// Requests go through one AsyncHTTPClient client. None waits for ever for an answer that does
/// not come: a request fails with the client's own error once `timeout` has passed without the
/// answer's head (the request's deadline), or once its body pauses for 45 s (the read timeout).
struct HTTPClient {
    let baseURL: URL
    var token: String?
    /// How long a request may wait for its answer's head.
    var timeout: Duration = .seconds(45)

    /// The client of every test, for the life of the test process (so it is never shut down).
    private static let client = AsyncHTTPClient.HTTPClient(
        configuration: .init(
            timeout: .init(connect: .seconds(10), read: .seconds(45)),
            connectionPool: .init(idleTimeout: .seconds(60))))

    struct Reply {
        var status: Int
        var body: Data
        var contentType: String

        /// The body as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw ProcessFailure(message: "not a JSON object: \(String(decoding: body, as: UTF8.self))")
            }
            return object
        }
    }

    /// The largest answer a test reads.
    static let maximumBody = 64 << 20

    func send(_ method: String, _ path: String, json: Any? = nil) async throws -> Reply {
        try await send(method, path, body: json.map { try JSONSerialization.data(withJSONObject: $0) })
    }

    /// Sends `body` (JSON bytes) as it is.
    func send(_ method: String, _ path: String, body: Data?) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL.absoluteString + path)
        request.method = HTTPMethod(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let (seconds, attoseconds) = timeout.components
        let response = try await Self.client.execute(
            request, timeout: .seconds(seconds) + .nanoseconds(attoseconds / 1_000_000_000))
        let bytes = try await response.body.collect(upTo: Self.maximumBody)
        return Reply(
            status: Int(response.status.code), body: Data(bytes.readableBytesView),
            contentType: response.headers.first(name: "Content-Type") ?? "")
    }

    /// The sample submission of `Examples/`, as JSON bytes.
    static let sampleSubmission: Data = {
        let url = AssayProcess.repositoryRoot.appendingPathComponent("Examples/submissions/swift-basics.json")
        return (try? Data(contentsOf: url)) ?? Data()
    }()

    /// Submits the sample submission `count` times, `lanes` requests at a time; the submissions' ids.
    /// Any answer but 200 is an error.
    func submitSamples(_ count: Int, lanes: Int = 8) async throws -> [String] {
        try await withThrowingTaskGroup(of: [String].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var ids: [String] = []
                    for _ in stride(from: lane, to: count, by: lanes) {
                        let reply = try await send(
                            "POST", "/api/candidate/assessment/swift-basics/submit",
                            body: Self.sampleSubmission)
                        guard reply.status == 200, let id = try reply.json()["submission_id"] as? String
                        else {
                            throw ProcessFailure(message: "submit answered \(reply.status)")
                        }
                        ids.append(id)
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }
}
