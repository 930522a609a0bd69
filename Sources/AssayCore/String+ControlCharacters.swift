extension String {
    // The first control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F), if any:
    // what an id, a key or a name may not hold.
    var firstControlCharacter: Unicode.Scalar? {
        unicodeScalars.first(where: \.isControl)
    }

    // The first control character other than tab, line feed and carriage return, if any: what
    // prose (a prompt, an essay) may not hold. NUL among them, which PostgreSQL refuses to store.
    var firstControlCharacterInProse: Unicode.Scalar? {
        unicodeScalars.first { $0.isControl && $0 != "\t" && $0 != "\n" && $0 != "\r" }
    }
}

extension Unicode.Scalar {
    // Whether the scalar is in category Cc. Unicode keeps that category's two ranges fixed, so they
    // are compared here rather than looked up in the property tables for every scalar of a text.
    var isControl: Bool {
        value < 0x20 || (0x7f...0x9f).contains(value)
    }
}
