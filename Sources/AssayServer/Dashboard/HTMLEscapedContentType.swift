import Mustache

/// Mustache's content type for Assay's pages: escapes `&`, `<`, `>`, `"` and `'` in every value.
///
/// Unlike the library's own HTML type, which looks at whole characters, it escapes each Unicode
/// scalar, so a quote followed by a combining mark (one character, two scalars) is escaped too and
/// cannot end an attribute. Templates select it with `{{% CONTENT_TYPE: ASSAY_HTML }}` on their
/// first line, partials included (a partial starts again from the library's default).
struct HTMLEscapedContentType: MustacheContentType {
    /// The name templates select it by.
    static let name = "ASSAY_HTML"

    func escapeText(_ text: String) -> String {
        Self.escape(text)
    }

    /// Returns the text with `&`, `<`, `>`, `"` and `'` replaced by HTML character references.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
