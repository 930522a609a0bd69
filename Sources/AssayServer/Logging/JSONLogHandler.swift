import Foundation
import Logging

/// Writes each log entry as one JSON object on one line: `timestamp` (ISO 8601, UTC, milliseconds),
/// `level`, `message`, `label` and `source`, then the entry's metadata, each key a field of its own.
///
/// The keys that follow one submission across processes keep their names (`submission_id`,
/// `job_id`, `queue`, `attempt`), and Hummingbird's request id (`hb.request.id`) is written as
/// `request_id`. A number stays a number, nested metadata becomes objects and arrays, and anything
/// else is its description as a string. Metadata cannot replace the five fields above.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable (String) -> Void

    /// A handler that writes its lines to standard error, as swift-log's text handler does.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// A handler that gives each line, newline included, to `write`.
    public init(label: String, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        var line = "{"
        Self.append(key: "timestamp", string: Self.timestamp(), to: &line)
        Self.append(key: "level", string: event.level.rawValue, to: &line)
        Self.append(key: "message", string: "\(event.message)", to: &line)
        Self.append(key: "label", string: label, to: &line)
        Self.append(key: "source", string: event.source, to: &line)
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            let name = Self.fieldName(key)
            guard !Self.reserved.contains(name) else { continue }
            line += ","
            Self.appendString(name, to: &line)
            line += ":"
            Self.append(value, to: &line)
        }
        line += "}\n"
        write(line)
    }

    private static let reserved: Set<String> = ["timestamp", "level", "message", "label", "source"]

    private static func fieldName(_ key: String) -> String {
        key == "hb.request.id" ? "request_id" : key
    }

    private static func timestamp() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    private static func append(key: String, string: String, to line: inout String) {
        if line.count > 1 { line += "," }
        appendString(key, to: &line)
        line += ":"
        appendString(string, to: &line)
    }

    private static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): appendString(text, to: &line)
        case .stringConvertible(let convertible):
            switch convertible {
            case let number as any BinaryInteger: line += "\(number)"
            case let number as Double where number.isFinite: line += "\(number)"
            case let flag as Bool: line += flag ? "true" : "false"
            default: appendString(convertible.description, to: &line)
            }
        case .dictionary(let dictionary):
            line += "{"
            for (index, (key, nested)) in dictionary.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { line += "," }
                appendString(key, to: &line)
                line += ":"
                append(nested, to: &line)
            }
            line += "}"
        case .array(let values):
            line += "["
            for (index, nested) in values.enumerated() {
                if index > 0 { line += "," }
                append(nested, to: &line)
            }
            line += "]"
        }
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped.
    private static func appendString(_ text: String, to line: inout String) {
        line += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": line += "\\\""
            case "\\": line += "\\\\"
            case "\n": line += "\\n"
            case "\r": line += "\\r"
            case "\t": line += "\\t"
            case _ where scalar.value < 0x20:
                line +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: line.unicodeScalars.append(scalar)
            }
        }
        line += "\""
    }
}
