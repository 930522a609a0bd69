import Foundation

/// Reads `KEY=VALUE` lines from a `.env` file: `#` comments, blank lines, an optional `export `,
/// and values in single or double quotes.
enum DotEnvFile {
    static func read(path: String) throws(ConfigurationError) -> [String: String] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(variable: ".env", message: "cannot read \(path) as UTF-8 text")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String = ".env") throws(ConfigurationError) -> [String: String] {
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst("export ".count)) }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError(
                    variable: ".env", message: "\(path) line \(number + 1) is not KEY=VALUE: \(line)")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            values[key] = value
        }
        return values
    }
}
