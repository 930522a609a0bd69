import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

extension TestClientProtocol {
    /// Posts the sign-in form with `token`, with `headers` besides.
    func signIn(token: String = AssayFixture.adminToken, headers: HTTPFields = [:]) async throws
        -> TestResponse
    {
        let encoded = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token
        return try await postForm("/admin/login", "token=\(encoded)", headers: headers)
    }

    /// Signs in with the admin token and returns the session cookie, as `name=value`.
    func signedInCookie(sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let response = try await signIn()
        try #require(response.status == .seeOther, "body: \(response.text)", sourceLocation: sourceLocation)
        let setCookie = try #require(response.headers[.setCookie], sourceLocation: sourceLocation)
        return String(setCookie.prefix { $0 != ";" })
    }

    /// A dashboard GET with the session cookie.
    func dashboard(_ uri: String, cookie: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        headers[.cookie] = cookie
        return try await execute(uri: uri, method: .get, headers: headers)
    }

    /// Posts a form, as a browser does, with `headers` besides.
    func postForm(_ uri: String, _ form: String, cookie: String? = nil, headers: HTTPFields = [:])
        async throws -> TestResponse
    {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[.cookie] = cookie
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: form))
    }

    /// The CSRF token in the hidden fields of the page at `uri`.
    func csrfToken(
        from uri: String = "/admin", cookie: String, sourceLocation: SourceLocation = #_sourceLocation
    )
        async throws -> String
    {
        let page = try await dashboard(uri, cookie: cookie).text
        let match = try #require(
            page.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/), "no CSRF field in \(uri)",
            sourceLocation: sourceLocation)
        return String(match.output.1)
    }
}
