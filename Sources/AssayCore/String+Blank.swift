import Foundation

extension String {
    /// The string without white space and newlines at either end.
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }

    /// Whether the string is empty or only white space.
    var isBlank: Bool { trimmed.isEmpty }
}
