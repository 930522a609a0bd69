import Foundation

/// Reads a `.env` file as the common dotenv readers do.
///
/// ```sh
/// # a comment
/// export PORT=8080                     # `export ` is dropped; so is a comment after white space
/// HOST="0.0.0.0"                       # double quotes: \n, \r, \t, \" and \\ are escapes
/// ADMIN_API_TOKEN='a#b c\d'            # single quotes: the text as it is
/// ```
///
/// Lines end with LF, CRLF (a file saved on Windows) or CR; a UTF-8 byte order mark is skipped.
/// Keys are letters, digits, `_`, `.` and `-`, not starting with a digit; the last of a repeated key
/// wins. A line it cannot read stops the start with its line number, and its key when it has one,
/// but never its text: a value may be a secret.
///
/// swift-configuration 1.4.0's `EnvironmentVariablesProvider` reads a `.env` file too, but splits
/// lines on LF alone (a CRLF file becomes one line), keeps `export`, quotes and trailing comments in
/// keys and values, and skips a malformed line without a word; this reader does what people write.
enum DotEnvFile {
    static func read(path: String) throws(ConfigurationError) -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(variable: ".env", message: "cannot read \(path)")
        }
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]) {
            throw ConfigurationError(variable: ".env", message: "\(path) is UTF-16 text; save it as UTF-8")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(variable: ".env", message: "cannot read \(path) as UTF-8 text")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String = ".env") throws(ConfigurationError) -> [String: String] {
        var values: [String: String] = [:]
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        let lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (index, rawLine) in lines.enumerated() {
            let place = "\(path) line \(index + 1)"
            var line = rawLine.drop(while: isBlank)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export"), let next = line.dropFirst("export".count).first, isBlank(next) {
                line = line.dropFirst("export".count).drop(while: isBlank)
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError(variable: ".env", message: "\(place) is not KEY=VALUE")
            }
            let key = String(trimmingBlanks(line[..<equals]))
            guard isKey(key) else {
                throw ConfigurationError(
                    variable: ".env",
                    message: "\(place): the key before '=' must be letters, digits, '_', '.' and '-', "
                        + "not starting with a digit")
            }
            values[key] = try value(of: line[line.index(after: equals)...], place: "\(place) (\(key))")
        }
        return values
    }

    // The value after `=`: quoted, or bare up to a comment that follows white space.
    private static func value(of text: Substring, place: String) throws(ConfigurationError) -> String {
        let text = text.drop(while: isBlank)
        guard let quote = text.first, quote == "\"" || quote == "'" || quote == "`" else {
            let comment = text.indices.first {
                text[$0] == "#" && $0 > text.startIndex && isBlank(text[text.index(before: $0)])
            }
            return String(trimmingBlanks(text[..<(comment ?? text.endIndex)]))
        }
        var value = ""
        var index = text.index(after: text.startIndex)
        while index < text.endIndex, text[index] != quote {
            if quote == "\"", text[index] == "\\", text.index(after: index) < text.endIndex {
                index = text.index(after: index)
                switch text[index] {
                case "n": value.append("\n")
                case "r": value.append("\r")
                case "t": value.append("\t")
                case "\"", "\\": value.append(text[index])
                default: value += "\\" + String(text[index])
                }
            } else {
                value.append(text[index])
            }
            index = text.index(after: index)
        }
        guard index < text.endIndex else {
            throw ConfigurationError(
                variable: ".env", message: "\(place): the value's opening \(quote) is never closed")
        }
        let rest = text[text.index(after: index)...].drop(while: isBlank)
        guard rest.isEmpty || rest.hasPrefix("#") else {
            throw ConfigurationError(
                variable: ".env",
                message: "\(place): only a # comment may follow the value's closing \(quote)")
        }
        return value
    }

    private static func isKey(_ key: String) -> Bool {
        guard let first = key.first, !first.isNumber else { return false }
        return key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    private static func isBlank(_ character: Character) -> Bool {
        character == " " || character == "\t"
    }

    private static func trimmingBlanks(_ text: Substring) -> Substring {
        var text = text.drop(while: isBlank)
        while let last = text.last, isBlank(last) { text = text.dropLast() }
        return text
    }
}
