import AssayCore
import AssayLLM
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle
import Synchronization

/// A scripted chat-completions server on 127.0.0.1: it answers each request with the next reply
/// of its script (the last one repeats) and records what it received and how many ran at once.
public final class ChatStub: Sendable {
    /// One request the stub received.
    public struct Received: Sendable {
        public var path: String
        public var query: String
        /// The headers, by lowercased name.
        public var headers: [String: String]
        public var body: [String: JSONValue]

        /// The request's messages' contents, in order.
        public var messageContents: [String] {
            guard case .array(let messages) = body["messages"] else { return [] }
            return messages.compactMap { message in
                guard case .object(let fields) = message, case .string(let content) = fields["content"] else {
                    return nil
                }
                return content
            }
        }

        /// `response_format.type`, or `nil` when the request had none.
        public var responseFormatType: String? {
            guard case .object(let format) = body["response_format"], case .string(let type) = format["type"]
            else {
                return nil
            }
            return type
        }
    }

    private struct State {
        var script: Script
        var received: [Received] = []
        var inFlight = 0
        var maxInFlight = 0
    }

    private let state: Mutex<State>

    /// What the stub answers: the next reply of a script, or what a function of the request says.
    private enum Script {
        case replies([StubReply])
        case responder(@Sendable (Received) -> StubReply)
    }

    private init(script: Script) {
        state = Mutex(State(script: script))
    }

    /// The requests received so far, in order.
    public var received: [Received] { state.withLock { $0.received } }
    /// The most requests the stub was answering at once.
    public var maxInFlight: Int { state.withLock { $0.maxInFlight } }

    /// Starts a stub with this script, runs `body` with it and its base URL (`…/v1`), and stops it.
    public static func run<T: Sendable>(
        _ replies: [StubReply],
        _ body: (ChatStub, String) async throws -> T
    ) async throws -> T {
        try await run(ChatStub(script: .replies(replies)), body)
    }

    /// Starts a stub that answers each request with `responder`'s reply to it, runs `body` with it
    /// and its base URL (`…/v1`), and stops it.
    public static func run<T: Sendable>(
        responding responder: @escaping @Sendable (Received) -> StubReply,
        _ body: (ChatStub, String) async throws -> T
    ) async throws -> T {
        try await run(ChatStub(script: .responder(responder)), body)
    }

    private static func run<T: Sendable>(
        _ stub: ChatStub, _ body: (ChatStub, String) async throws -> T
    ) async throws -> T {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in try await stub.respond(to: request) }
        router.post("/openai/deployments/:deployment/chat/completions") { request, _ in
            try await stub.respond(to: request)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) }
        )
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: app.logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            let result: Result<T, any Error>
            do {
                result = .success(try await body(stub, "http://127.0.0.1:\(port)/v1"))
            } catch {
                result = .failure(error)
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return try result.get()
        }
    }

    private func respond(to request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName.lowercased()] = field.value
        }
        let parsed =
            (try? JSONDecoder().decode([String: JSONValue].self, from: Data(bytes.readableBytesView))) ?? [:]
        let received = Received(
            path: request.uri.path, query: request.uri.query ?? "", headers: headers, body: parsed)
        let reply = state.withLock { state in
            state.received.append(received)
            state.inFlight += 1
            state.maxInFlight = max(state.maxInFlight, state.inFlight)
            switch state.script {
            case .replies(var replies):
                let next = replies.count > 1 ? replies.removeFirst() : replies[0]
                state.script = .replies(replies)
                return next
            case .responder(let responder):
                return responder(received)
            }
        }
        defer { state.withLock { $0.inFlight -= 1 } }
        try await Task.sleep(for: reply.delay)
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in reply.headers {
            if let name = HTTPField.Name(name) {
                fields[name] = value
            }
        }
        return Response(
            status: HTTPResponse.Status(code: reply.status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body))
        )
    }
}
