import AssayCore
import AssayStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every error a route throws into the JSON error shape with the right status.
///
/// Client mistakes become 4xx; a database that is away becomes 503; anything else is a bug,
/// logged with its detail and answered 500 without it.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            return try Self.apiError(for: error, context: context).response(from: request, context: context)
        }
    }

    static func apiError(for error: any Error, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ValidationError:
            return .unprocessable(error.message, code: error.code)
        case DecodingError.dataCorrupted(let detail) where detail.codingPath.isEmpty:
            return .badRequest("the body is not valid JSON", code: "invalid_json")
        case let error as DecodingError:
            return .unprocessable(Self.describe(error), code: "invalid_body")
        case let error as StoreError:
            switch error {
            case .assessmentExists:
                return APIError(.conflict, code: "assessment_exists", message: error.description)
            case .assessmentNotFound: return .notFound(error.description)
            case .idempotencyKeyReused(let key):
                return APIError(
                    .conflict, code: "idempotency_key_reused",
                    message:
                        "Idempotency-Key \(QuotedInput.quote(key)) was already used with a different request")
            case .unavailable, .invalidDatabaseURL:
                return APIError(.serviceUnavailable, code: "database_unavailable", message: error.description)
            }
        case is NIOTooManyBytesError:
            return APIError(
                .contentTooLarge, code: "body_too_large", message: "the request body is over 1 MiB")
        case let error as HTTPError:
            let code = error.status == .notFound ? "not_found" : "http_\(error.status.code)"
            let message =
                error.body ?? (error.status == .notFound ? "no such route" : error.status.reasonPhrase)
            return APIError(error.status, code: code, message: message, headers: error.headers)
        default:
            context.logger.error("unexpected error", metadata: ["error": .string(String(reflecting: error))])
            return APIError(
                .internalServerError, code: "internal_error", message: "an unexpected error occurred")
        }
    }

    /// A one-line account of where and why JSON did not decode.
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the body" : String(text.drop { $0 == "." })
        }
        switch error {
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is required"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) must be \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) must be \(Self.typeName(type)), not null"
        @unknown default:
            return "the body does not decode"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Int.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }
}
