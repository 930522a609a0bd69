import AssayServer
import AssayStore
import AssayTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct OpenAPIDocumentTests {
    /// The operations of a parsed OpenAPI document, as `"GET /path/{param}"`.
    private static func operations(of document: [String: Any]) throws -> Set<String> {
        let paths = try #require(document["paths"] as? [String: Any], "the document has no paths")
        var operations: Set<String> = []
        for (path, item) in paths {
            let methods = try #require(item as? [String: Any], "\(path) is not a path item")
            for method in methods.keys where method != "parameters" {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    /// Every route of the router, as `"GET /path/{param}"`.
    private static func routes() throws -> Set<String> {
        let fixture = try AssayFixture.current()
        let dependencies = AssayApplication.dependencies(
            configuration: try AssayConfiguration(environment: [:]), store: fixture.store,
            adminToken: AssayFixture.adminToken)
        return Set(AssayRouter.build(dependencies: dependencies).routes.map { "\($0.method) \($0.path)" })
    }

    @Test func servedDocumentParsesAsOpenAPIYAML() async throws {
        let text = try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                return response.text
            }
        }
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        #expect(text == String(decoding: OpenAPIDocument.yaml, as: UTF8.self))
    }

    @Test func documentListsEveryRouteOfTheRouterAndNoOther() throws {
        let text = String(decoding: OpenAPIDocument.yaml, as: UTF8.self)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let documented = try Self.operations(of: document)
        let routes = try Self.routes()
        #expect(routes.subtracting(documented).sorted() == [], "routes the document leaves out")
        #expect(documented.subtracting(routes).sorted() == [], "operations the router does not have")
        #expect(routes.count >= 18)
    }

    @Test func everyAdminOperationNeedsTheBearerTokenAndDocuments401() throws {
        let text = String(decoding: OpenAPIDocument.yaml, as: UTF8.self)
        let document = try #require(try Yams.load(yaml: text) as? [String: Any])
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        for (path, item) in paths where path.hasPrefix("/api/admin/") {
            for (method, value) in item where method != "parameters" {
                let operation = try #require(value as? [String: Any])
                let security = operation["security"] as? [[String: Any]]
                #expect(security?.first?["adminToken"] != nil, "\(method) \(path) has no bearer security")
                let responses = try #require(operation["responses"] as? [String: Any])
                #expect(responses["401"] != nil, "\(method) \(path) does not document 401")
            }
        }
    }
}
