extension String {
    /// The string without the white space and line breaks around it, as Foundation's
    /// `trimmingCharacters(in: .whitespacesAndNewlines)` gives it, Unicode scalar by Unicode scalar,
    /// without Foundation: a string with nothing to trim is returned as it is.
    var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isTrimmedWhiteSpace }) else {
            return ""
        }
        let last = scalars.lastIndex { !$0.isTrimmedWhiteSpace }!
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex {
            return self
        }
        return String(scalars[first...last])
    }

    var isBlank: Bool { unicodeScalars.allSatisfy(\.isTrimmedWhiteSpace) }
}

extension Unicode.Scalar {
    /// Whether Foundation's trimming of `.whitespacesAndNewlines` trims this scalar: the separators
    /// (general categories Zs, Zl and Zp), U+0009 to U+000D, U+0085, and the zero width space U+200B.
    var isTrimmedWhiteSpace: Bool {
        switch value {
        case 0x20, 0x09...0x0D: return true
        case 0..<0x80: return false
        case 0x85, 0x200B: return true
        default:
            switch properties.generalCategory {
            case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
            default: return false
            }
        }
    }
}
