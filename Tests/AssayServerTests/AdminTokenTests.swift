import AssayTestSupport
import Foundation
import Logging
import Testing

@testable import AssayServer

@Suite("Admin token at start")
struct AdminTokenTests {
    private static func mode(of path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    private static func resolve(in dataDirectory: String, showsToken: Bool) throws -> (String, [String]) {
        var announced: [String] = []
        let token = try AdminToken.resolve(
            configured: nil, dataDirectory: dataDirectory, logger: TestDatabase.quiet, showsToken: showsToken
        ) { announced.append($0) }
        return (token, announced)
    }

    @Test(
        "off a terminal, a new token is kept with mode 0600 in a 0700 folder, and only its place is printed")
    func newTokenOffATerminal() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dataDirectory = directory.path("data")
        let (token, announced) = try Self.resolve(in: dataDirectory, showsToken: false)
        let path = dataDirectory + "/admin-token"
        #expect(announced.count == 1)
        #expect(announced.allSatisfy { $0.contains(path) && !$0.contains(token) })
        #expect(try Self.mode(of: dataDirectory) == 0o700)
        #expect(try Self.mode(of: path) == 0o600)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == token + "\n")
        let (again, announcedAgain) = try Self.resolve(in: dataDirectory, showsToken: false)
        #expect(again == token)
        #expect(announcedAgain.isEmpty)
    }

    @Test("on a terminal, a new token is printed once")
    func newTokenOnATerminal() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (token, announced) = try Self.resolve(in: directory.path("data"), showsToken: true)
        #expect(announced.count == 1)
        #expect(announced.first?.contains(token) == true)
    }

    @Test("a token file that exists but cannot be read stops the start and is left as it is")
    func unreadableTokenFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("admin-token")
        let unreadable = Data([0xFF, 0xFE, 0x00, 0xC3])
        try unreadable.write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: ConfigurationError.self) {
            try Self.resolve(in: directory.url.path, showsToken: true)
        }
        #expect(error?.variable == "DATA_DIR")
        #expect(error?.message.contains("\(path) exists but cannot be read") == true)
        #expect(FileManager.default.contents(atPath: path) == unreadable)
    }

    @Test("a configured token is used as it is, and nothing is written")
    func configuredToken() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let token = try AdminToken.resolve(
            configured: "configured-token-0123456789", dataDirectory: directory.path("data"),
            logger: TestDatabase.quiet, showsToken: true
        ) { _ in Issue.record("nothing is announced") }
        #expect(token == "configured-token-0123456789")
        #expect(!FileManager.default.fileExists(atPath: directory.path("data")))
    }
}
