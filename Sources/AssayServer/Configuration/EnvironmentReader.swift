import AssayCore
import Foundation

/// Reads typed values from environment variables, failing with the variable's name and what it accepts.
struct EnvironmentReader {
    private let environment: [String: String]

    init(_ environment: [String: String]) {
        self.environment = environment
    }

    private func value(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        return value
    }

    func string(_ name: String, default defaultValue: String) -> String {
        value(name) ?? defaultValue
    }

    func optionalString(_ name: String) throws(ConfigurationError) -> String? {
        value(name)
    }

    func bool(_ name: String, default defaultValue: Bool) throws(ConfigurationError) -> Bool {
        guard let text = value(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            throw ConfigurationError(
                variable: name, message: "\(QuotedInput.quote(text)) is not true or false")
        }
    }

    func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>)
        throws(ConfigurationError)
        -> Int
    {
        guard let text = value(name) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(
                variable: name,
                message:
                    "\(QuotedInput.quote(text)) is not a whole number from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return number
    }

    func seconds(_ name: String, default defaultValue: Double, in range: ClosedRange<Double>)
        throws(ConfigurationError) -> Double
    {
        guard let text = value(name) else { return defaultValue }
        guard let number = Double(text), number.isFinite, range.contains(number) else {
            throw ConfigurationError(
                variable: name,
                message:
                    "\(QuotedInput.quote(text)) is not a number of seconds from \(range.lowerBound) to \(range.upperBound)"
            )
        }
        return number
    }

    func choice<Choice: RawRepresentable & CaseIterable>(_ name: String, default defaultValue: Choice)
        throws(ConfigurationError) -> Choice where Choice.RawValue == String
    {
        guard let text = value(name) else { return defaultValue }
        guard let choice = Choice(rawValue: text.lowercased()) else {
            let accepted = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigurationError(
                variable: name, message: "\(QuotedInput.quote(text)) is not one of \(accepted)")
        }
        return choice
    }

    func queueName(_ name: String, default defaultValue: String) throws(ConfigurationError) -> String {
        let text = string(name, default: defaultValue)
        let allowed = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
        guard allowed, (1...260).contains(text.count) else {
            throw ConfigurationError(
                variable: name,
                message: "\(QuotedInput.quote(text)) is not a queue name (letters, digits, - _ .; up to 260)")
        }
        return text
    }
}
