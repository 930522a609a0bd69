import Testing

@testable import AssayServer

@Suite struct JSONMediaTypeTests {
    @Test(arguments: [
        "application/json", "Application/JSON", "application/json; charset=utf-8",
        " application/json ;charset=utf-8",
        "\tapplication/json\t", "application/merge-patch+json", "application/problem+JSON; charset=utf-8",
    ])
    func jsonIsRecognised(contentType: String) {
        #expect(JSONMediaType.matches(contentType))
    }

    @Test(arguments: [
        nil, "", ";", "text/plain", "text/json", "application/jsonx", "application/json-seq", "+json",
        "application/x-www-form-urlencoded; note=+json", "application/ json", "application/xml+json5",
    ])
    func anythingElseIsNot(contentType: String?) {
        #expect(!JSONMediaType.matches(contentType))
    }
}
