/// Input as an error message quotes it: in single quotes, cut to ``maximumLength`` Unicode scalars,
/// with control characters written as escapes, so that a message stays one short, printable line
/// whatever the input.
///
/// ```swift
/// QuotedInput.quote("q9")                                   // 'q9'
/// QuotedInput.quote("a\u{0}b")                              // 'a\u{0}b'
/// QuotedInput.quote(String(repeating: "x", count: 10_000))  // 'xxx…x…' (200 x's, then an ellipsis)
/// ```
public enum QuotedInput {
    /// The most Unicode scalars of an input that a message quotes.
    public static let maximumLength = 200

    /// The input between single quotes, at most ``maximumLength`` of its scalars, followed by `…`
    /// inside the quotes when it was cut.
    public static func quote(_ input: some StringProtocol) -> String {
        var quoted = "'"
        for (index, scalar) in input.unicodeScalars.enumerated() {
            guard index < maximumLength else {
                quoted += "…"
                break
            }
            if scalar.properties.generalCategory == .control {
                quoted += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "'"
    }
}
