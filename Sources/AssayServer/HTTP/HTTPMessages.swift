import AssayCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// A JSON response in Assay's public format.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(encoded: try AssayJSON.encoder().encode(value), status: status)
    }

    /// A JSON response whose body is written already.
    static func json(encoded data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Request {
    /// The body of a JSON request, at most the context's upload size.
    ///
    /// A body that is not declared `application/json` is a 415; one over the limit a 413.
    func jsonBody(context: some RequestContext) async throws -> Data {
        guard JSONMediaType.matches(headers[.contentType]) else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "send the body as JSON with Content-Type: application/json")
        }
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        return Data(buffer.readableBytesView)
    }

    /// A paging query parameter: a whole number within `range`, or `defaultValue` when absent.
    func pagingParameter(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int
    {
        guard let text = uri.queryParameters.get(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw APIError.badRequest(
                "query parameter \(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                code: "invalid_query")
        }
        return value
    }
}
