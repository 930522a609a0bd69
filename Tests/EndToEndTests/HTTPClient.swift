import Foundation
import JobQueue

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small JSON-over-HTTP client for talking to a running `assay serve`.
struct HTTPClient {
    let baseURL: URL
    var token: String?

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

    func send(_ method: String, _ path: String, json: Any? = nil) async throws -> Reply {
        try await send(method, path, body: json.map { try JSONSerialization.data(withJSONObject: $0) })
    }

    /// Sends `body` (JSON bytes) as it is.
    func send(_ method: String, _ path: String, body: Data?) async throws -> Reply {
        var request = URLRequest(url: baseURL.appendingPathComponent(path))
        if let query = path.split(separator: "?", maxSplits: 1).dropFirst().first {
            request.url = URL(string: baseURL.absoluteString + path.split(separator: "?")[0] + "?" + query)
        }
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = body
        }
        request.timeoutInterval = 30
        // URLSession on Linux has been seen to never end a request: no test waits past the limit.
        let expired = ProcessFailure(message: "\(method) \(path): no answer within 45 s")
        let (data, response) = try await withDeadline(
            .seconds(45), expired: { expired },
            { [request] in try await URLSession.shared.data(for: request) })
        let http = response as? HTTPURLResponse
        return Reply(
            status: http?.statusCode ?? 0, body: data,
            contentType: http?.value(forHTTPHeaderField: "Content-Type") ?? "")
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
