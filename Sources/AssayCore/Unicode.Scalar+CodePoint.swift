extension Unicode.Scalar {
    // The scalar's code point as messages write it: "U+0000".
    var codePoint: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
