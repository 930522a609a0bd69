import AssayCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

extension TestResponse {
    /// The body as UTF-8 text.
    var text: String { String(buffer: body) }

    /// The body parsed as a JSON object.
    func jsonObject(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        return try #require(
            value as? [String: Any], "not a JSON object: \(text)", sourceLocation: sourceLocation)
    }

    /// The body decoded as `type` with Assay's public JSON decoder.
    func decoded<T: Decodable>(as type: T.Type) throws -> T {
        try AssayJSON.decoder().decode(type, from: Data(body.readableBytesView))
    }
}

/// Expects `response` to be `status` with the body `{"error": {"code": code, "message": "…"}}` and
/// nothing else.
func expectError(
    _ response: TestResponse, status: HTTPResponse.Status, code: String,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    #expect(response.status == status, "body: \(response.text)", sourceLocation: sourceLocation)
    #expect(
        response.headers[.contentType]?.hasPrefix("application/json") == true,
        "content type: \(response.headers[.contentType] ?? "none")", sourceLocation: sourceLocation)
    let object = try response.jsonObject(sourceLocation: sourceLocation)
    #expect(Set(object.keys) == ["error"], sourceLocation: sourceLocation)
    let detail = try #require(object["error"] as? [String: Any], sourceLocation: sourceLocation)
    #expect(Set(detail.keys) == ["code", "message"], sourceLocation: sourceLocation)
    #expect(detail["code"] as? String == code, "body: \(response.text)", sourceLocation: sourceLocation)
    let message = try #require(detail["message"] as? String, sourceLocation: sourceLocation)
    #expect(!message.isEmpty, sourceLocation: sourceLocation)
}

/// Every key of every object in a JSON value, at any depth.
func allKeys(in value: Any) -> Set<String> {
    switch value {
    case let object as [String: Any]:
        object.reduce(into: Set(object.keys)) { keys, entry in keys.formUnion(allKeys(in: entry.value)) }
    case let array as [Any]:
        array.reduce(into: Set<String>()) { keys, element in keys.formUnion(allKeys(in: element)) }
    default:
        []
    }
}
