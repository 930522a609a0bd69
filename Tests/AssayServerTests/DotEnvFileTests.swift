import Foundation
import Logging
import Testing

@testable import AssayServer

@Suite(".env as people write it")
struct DotEnvFileTests {
    private static let sample = [
        "# Assay settings",
        "export PORT=7000",
        "HOST=\"0.0.0.0\"",
        "ADMIN_API_TOKEN='a#b c\\d'",
        "LOG_LEVEL=debug # more detail",
        "  DATA_DIR = /var/lib/assay  ",
        "EXAMPLES_DIR=\"two\\nlines \\\"quoted\\\"\"  # a comment",
        "EMPTY=",
        "HASHED=abc#def",
        "",
    ]

    private static let expected = [
        "PORT": "7000", "HOST": "0.0.0.0", "ADMIN_API_TOKEN": "a#b c\\d", "LOG_LEVEL": "debug",
        "DATA_DIR": "/var/lib/assay", "EXAMPLES_DIR": "two\nlines \"quoted\"", "EMPTY": "",
        "HASHED": "abc#def",
    ]

    @Test("LF, CRLF (saved on Windows) and CR line ends read alike", arguments: ["\n", "\r\n", "\r"])
    func lineEnds(separator: String) throws {
        #expect(try DotEnvFile.parse(Self.sample.joined(separator: separator)) == Self.expected)
    }

    @Test("a UTF-8 byte order mark, as Notepad writes it, is skipped")
    func byteOrderMark() throws {
        #expect(try DotEnvFile.parse("\u{FEFF}PORT=7000\r\nHOST=::1\r\n") == ["PORT": "7000", "HOST": "::1"])
    }

    @Test("a CRLF file read from disk configures Assay")
    func crlfFileConfigures() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "assay-env-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(Self.sample.joined(separator: "\r\n").utf8).write(to: file)
        let configuration = try AssayConfiguration.load(
            environment: [:], dotEnvPath: file.path, overrides: ["ADMIN_API_TOKEN": "0123456789abcdef"])
        #expect(configuration.port == 7000)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.logLevel == .debug)
        #expect(configuration.dataDirectory == "/var/lib/assay")
    }

    @Test(
        "a line it cannot read is named by number and key, never echoed",
        arguments: [
            ("PORT=1\nsecret-value-without-equals", ".env line 2 is not KEY=VALUE"),
            ("PORT=1\r\n\r\nTOKEN=\"s3cret", ".env line 3 (TOKEN): the value's opening \" is never closed"),
            (
                "TOKEN='s3cret' s3cret",
                ".env line 1 (TOKEN): only a # comment may follow the value's closing '"
            ),
            (
                "my s3cret=1",
                ".env line 1: the key before '=' must be letters, digits, '_', '.' and '-', not starting with a digit"
            ),
        ])
    func malformedLine(text: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) { try DotEnvFile.parse(text) }
        #expect(error == ConfigurationError(variable: ".env", message: message))
        #expect(error?.description.contains("s3cret") == false)
        #expect(error?.description.contains("secret-value") == false)
    }

    @Test("a file saved as UTF-16 is refused with what to do")
    func utf16File() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "assay-env-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data([0xFF, 0xFE] + Array("PORT=1".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }).write(
            to: file)
        #expect(
            throws: ConfigurationError(
                variable: ".env", message: "\(file.path) is UTF-16 text; save it as UTF-8")
        ) {
            try DotEnvFile.read(path: file.path)
        }
    }
}
