import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Lets a request through only with `Authorization: Bearer <admin token>`, compared in constant time.
struct AdminAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    private let expectedDigest: [UInt8]

    init(token: String) {
        expectedDigest = Array(SHA256.hash(data: Data(token.utf8)))
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("send the admin token as Authorization: Bearer <token>")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Self.unauthorized("the Authorization header must be Bearer <token>")
        }
        // Comparing fixed-length digests, every byte, keeps the time independent of the token.
        let given = SHA256.hash(data: Data(parts[1].utf8))
        let difference = zip(given, expectedDigest).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) }
        guard difference == 0 else { throw Self.unauthorized("the admin token is not valid") }
        return try await next(request, context)
    }

    private static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, code: "unauthorized", message: message, headers: [.wwwAuthenticate: "Bearer"])
    }
}
