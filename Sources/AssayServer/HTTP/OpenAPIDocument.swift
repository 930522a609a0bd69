import Foundation

/// The OpenAPI document of Assay's HTTP API: `Resources/openapi.yaml`, shipped as the module's resource.
///
/// The one copy of the document; `GET /openapi.yaml` serves it and the tests check it lists every route.
public enum OpenAPIDocument {
    /// The document's bytes, read once from the module's resource bundle.
    public static let yaml: Data = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let data = try? Data(contentsOf: url)
        else {
            preconditionFailure("openapi.yaml is missing from AssayServer's resource bundle")
        }
        return data
    }()
}
