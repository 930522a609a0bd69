import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Answers the REST API's requests: injected faults first, then the token check, then the operation.
struct EmulatorResponder: HTTPResponder {
    let emulator: ServiceBusEmulator
    let verifier: SharedAccessSignatureVerifier

    init(emulator: ServiceBusEmulator) {
        self.emulator = emulator
        self.verifier = SharedAccessSignatureVerifier(keys: emulator.configuration.keys)
    }

    func respond(to request: Request, context: EmulatorRequestContext) async throws -> Response {
        do {
            guard let route = EmulatorRoute(path: request.uri.path) else {
                throw EmulatorRequestError(status: 404, detail: "no such resource: \(request.uri.path)")
            }
            if case .admin(let command) = route {
                return try await administer(command, request: request)
            }
            if let early = try await injectFault(context: context) { return early }
            try verifier.verify(
                authorization: request.headers[.authorization], path: request.uri.path,
                right: Self.right(for: route), now: emulator.clock.now())
            return try await handle(route, request: request)
        } catch let error as EmulatorRequestError {
            return Self.errorResponse(error)
        }
    }

    private func handle(_ route: EmulatorRoute, request: Request) async throws -> Response {
        switch (route, request.method) {
        case (.queue(let queue), .get): return try describeQueue(queue)
        case (.queue(let queue), .put): return try await createQueue(queue, request: request)
        case (.send(let queue), .post): return try await send(request, to: queue)
        case (.head(let queue, let deadLetter), .post):
            return try await receive(from: queue, deadLetter: deadLetter, request: request, lock: true)
        case (.head(let queue, let deadLetter), .delete):
            return try await receive(from: queue, deadLetter: deadLetter, request: request, lock: false)
        case (.locked(let queue, let deadLetter, let reference, let lockToken), let method):
            let action: SettleAction
            switch method {
            case .delete: action = .complete
            case .put: action = .abandon
            case .post: action = .renewLock
            default:
                throw EmulatorRequestError(status: 405, detail: "use DELETE, PUT or POST on a locked message")
            }
            return try settle(
                queue: queue, deadLetter: deadLetter, reference: reference, lockToken: lockToken,
                action: action)
        default:
            throw EmulatorRequestError(
                status: 405, detail: "\(request.method) is not supported on \(request.uri.path)")
        }
    }

    /// The right an operation needs: Manage for the management API, Send to send, Listen to receive.
    private static func right(for route: EmulatorRoute) -> EmulatorRight {
        switch route {
        case .admin, .queue: .manage
        case .send: .send
        case .head, .locked: .listen
        }
    }

    /// Applies the fault in force: an error answer, a hang until the fault ends, or a dropped
    /// connection. Nil when the request should go on.
    private func injectFault(context: EmulatorRequestContext) async throws -> Response? {
        switch emulator.faults.current {
        case nil:
            return nil
        case .failing(let status, let retryAfter):
            var error = EmulatorRequestError(
                status: status, detail: "injected fault: the emulator answers \(status)")
            if status == 429 || status == 503 { error.headers = [("Retry-After", String(retryAfter))] }
            throw error
        case .hanging:
            while emulator.faults.current == .hanging {
                try await Task.sleep(for: .milliseconds(20))
            }
            return nil
        case .droppingConnections:
            try await context.channel.close()
            throw CancellationError()
        }
    }

    static func errorResponse(_ error: EmulatorRequestError) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/xml; charset=utf-8"
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        let escaped = error.detail.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(
            of: "<", with: "&lt;")
        return Response(
            status: .init(code: error.status), headers: headers,
            body: .init(
                byteBuffer: ByteBuffer(
                    string: "<Error><Code>\(error.status)</Code><Detail>\(escaped)</Detail></Error>")))
    }

    static func response(status: HTTPResponse.Status, headers: HTTPFields = [:], body: Data = Data())
        -> Response
    {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
