import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension AssayRouter {
    /// `GET /openapi.yaml`: the OpenAPI document of the whole API, as `scripts/test-api` holds it true.
    static func addOpenAPIRoute(to router: Router<AppRequestContext>) {
        let document = ByteBuffer(bytes: OpenAPIDocument.yaml)
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: document))
        }
    }
}
