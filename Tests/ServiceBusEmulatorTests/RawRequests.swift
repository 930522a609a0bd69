import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import ServiceBusEmulator

/// Raw HTTP requests to a running emulator, signed as Microsoft's SAS documentation describes,
/// without the client module: these tests check the emulator against the documentation.
struct RawRequests {
    let emulator: ServiceBusEmulator
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }

        /// The `BrokerProperties` header as a JSON object.
        var brokerProperties: [String: Any] {
            guard let header = headers.first(name: "BrokerProperties"),
                let object = try? JSONSerialization.jsonObject(with: Data(header.utf8)) as? [String: Any]
            else { return [:] }
            return object
        }
    }

    /// `SharedAccessSignature sr=…&sig=…&se=…&skn=…` for `resource`, expiring `lifetime` seconds
    /// after the emulator's now (negative for an expired token).
    func token(resource: String, key: EmulatorKey? = nil, lifetime: Double = 3600) -> String {
        let key = key ?? emulator.configuration.keys[0]
        let allowed = CharacterSet(
            charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")
        let encoded = resource.addingPercentEncoding(withAllowedCharacters: allowed)!
        let expiry = String(Int64(emulator.clock.now().timeIntervalSince1970 + lifetime))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(encoded)\n\(expiry)".utf8), using: SymmetricKey(data: Data(key.key.utf8)))
        let signature = Data(mac).base64EncodedString().addingPercentEncoding(withAllowedCharacters: allowed)!
        return "SharedAccessSignature sr=\(encoded)&sig=\(signature)&se=\(expiry)&skn=\(key.name)"
    }

    /// Sends a request; `authorization` nil signs for the path's first segment with the first key.
    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: Data? = nil,
        authorization: String?? = .none, timeout: TimeAmount = .seconds(10)
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        let queue = path.split(separator: "/").first.map { String($0.split(separator: "?")[0]) } ?? ""
        switch authorization {
        case .none: request.headers.add(name: "Authorization", value: token(resource: "\(base)/\(queue)"))
        case .some(.some(let value)): request.headers.add(name: "Authorization", value: value)
        case .some(.none): break
        }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let data = try await response.body.collect(upTo: 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: Data(buffer: data))
    }

    /// Sends a text message with optional broker properties (JSON) and custom headers.
    func sendMessage(
        _ text: String, to queue: String, brokerProperties: String? = nil, headers: [(String, String)] = []
    ) async throws -> Answer {
        var all = headers + [("Content-Type", "text/plain")]
        if let brokerProperties { all.append(("BrokerProperties", brokerProperties)) }
        return try await send(.POST, "/\(queue)/messages", headers: all, body: Data(text.utf8))
    }

    /// Peek-locks the next message, waiting `wait` seconds on the server.
    func peekLock(_ entity: String, wait: Int = 0) async throws -> Answer {
        try await send(.POST, "/\(entity)/messages/head?timeout=\(wait)")
    }

    /// The path of a locked message, from its `Location` header.
    func lockedPath(_ answer: Answer) -> String {
        String(answer.headers.first(name: "Location")!.dropFirst(base.count))
    }

    /// The queue's Atom description.
    func describe(_ queue: String) async throws -> Answer {
        try await send(.GET, "/\(queue)?api-version=2021-05")
    }
}

extension ServiceBusEmulator {
    /// Runs `body` against this emulator, serving on a free port of 127.0.0.1.
    func withRaw(_ body: (RawRequests) async throws -> Void) async throws {
        try await withRunningServer { port in try await body(RawRequests(emulator: self, port: port)) }
    }
}
