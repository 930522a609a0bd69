import AssayCore
import AssayStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every error a route throws into the JSON error shape with the right status.
///
/// Client mistakes become 4xx; a database that is away, read-only, full or locked becomes 503
/// with a code that says which, and too many writes waiting 503 `overloaded` with `Retry-After`;
/// anything else is a bug, logged with its detail and answered 500 without it.
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
            return apiError(for: error)
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

    /// The answer to a store's error.
    static func apiError(for error: StoreError) -> APIError {
        let unavailable = { (code: String) in
            APIError(.serviceUnavailable, code: code, message: error.description)
        }
        switch error {
        case .assessmentExists:
            return APIError(.conflict, code: "assessment_exists", message: error.description)
        case .assessmentNotFound: return .notFound(error.description)
        case .idempotencyKeyReused:
            return APIError(.conflict, code: "idempotency_key_reused", message: error.description)
        case .unavailable, .connectionRejected, .invalidDatabaseURL, .migrationFailed:
            return unavailable("database_unavailable")
        case .readOnly: return unavailable("database_read_only")
        case .full: return unavailable("database_full")
        case .busy: return unavailable("database_busy")
        case .overloaded:
            return APIError(
                .serviceUnavailable, code: "overloaded", message: error.description,
                headers: [.retryAfter: "1"])
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
