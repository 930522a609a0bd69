import AssayServer
import Foundation
import Logging
import Synchronization
import Testing

@Suite("LOG_FORMAT=json: one JSON object a line")
struct JSONLogHandlerTests {
    /// The lines a JSON handler wrote, each parsed.
    private final class Lines: Sendable {
        private let written = Mutex<[String]>([])

        func append(_ line: String) { written.withLock { $0.append(line) } }

        var raw: [String] { written.withLock { $0 } }

        func objects() throws -> [[String: Any]] {
            try raw.map { line in
                try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
        }
    }

    private func logger(_ lines: Lines) -> Logger {
        Logger(label: "assay") { label in JSONLogHandler(label: label) { lines.append($0) } }
    }

    @Test("an entry's fields and metadata, numbers as numbers, Hummingbird's request id as request_id")
    func fieldsAndMetadata() throws {
        let lines = Lines()
        var logger = logger(lines)
        logger[metadataKey: "hb.request.id"] = "req-7"
        logger[metadataKey: "job_id"] = "job-1"
        logger.info(
            "submission scored",
            metadata: [
                "submission_id": "sub-1", "attempt": .stringConvertible(2), "queue": "scoring-jobs",
                "points": .stringConvertible(7.5), "tags": ["a", "b"], "details": ["nested": "yes"],
            ])
        #expect(lines.raw.count == 1)
        #expect(lines.raw[0].hasSuffix("}\n"))
        #expect(lines.raw[0].dropLast().contains("\n") == false)
        let entry = try #require(try lines.objects().first)
        #expect(entry["message"] as? String == "submission scored")
        #expect(entry["level"] as? String == "info")
        #expect(entry["label"] as? String == "assay")
        #expect(entry["request_id"] as? String == "req-7")
        #expect(entry["hb.request.id"] == nil)
        #expect(entry["job_id"] as? String == "job-1")
        #expect(entry["submission_id"] as? String == "sub-1")
        #expect(entry["queue"] as? String == "scoring-jobs")
        #expect(entry["attempt"] as? Int == 2)
        #expect(entry["points"] as? Double == 7.5)
        #expect(entry["tags"] as? [String] == ["a", "b"])
        #expect((entry["details"] as? [String: String])?["nested"] == "yes")
        let timestamp = try #require(entry["timestamp"] as? String)
        #expect(timestamp.hasSuffix("Z"))
        #expect(
            try Date(
                timestamp, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
                <= Date())
    }

    @Test("quotes, backslashes, newlines and control characters stay inside one line and read back")
    func escaping() throws {
        let lines = Lines()
        let text = "a \"quoted\" \\ path\nsecond line\t\u{01}\u{1F} é 🎉"
        logger(lines).warning("\(text)", metadata: ["input": "\(text)"])
        #expect(lines.raw.count == 1)
        #expect(lines.raw[0].filter { $0 == "\n" }.count == 1)
        let entry = try #require(try lines.objects().first)
        #expect(entry["message"] as? String == text)
        #expect(entry["input"] as? String == text)
    }

    @Test("metadata cannot replace the entry's own fields")
    func reservedFields() throws {
        let lines = Lines()
        logger(lines).error("the real message", metadata: ["message": "forged", "level": "debug"])
        let entry = try #require(try lines.objects().first)
        #expect(entry["message"] as? String == "the real message")
        #expect(entry["level"] as? String == "error")
    }

    @Test("the level filters as swift-log's own handler does")
    func levelFilters() {
        let lines = Lines()
        var logger = logger(lines)
        logger.logLevel = .warning
        logger.info("dropped")
        logger.warning("kept")
        #expect(lines.raw.count == 1)
    }
}
