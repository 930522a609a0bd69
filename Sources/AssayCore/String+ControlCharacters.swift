extension String {
    // The first control character (Unicode category Cc: U+0000–U+001F, U+007F–U+009F), if any:
    // what an id, a key or a name may not hold.
    var firstControlCharacter: Unicode.Scalar? {
        unicodeScalars.first { $0.properties.generalCategory == .control }
    }

    // The first control character other than tab, line feed and carriage return, if any: what
    // prose (a prompt, an essay) may not hold. NUL among them, which PostgreSQL refuses to store.
    var firstControlCharacterInProse: Unicode.Scalar? {
        unicodeScalars.first {
            $0.properties.generalCategory == .control && !"\t\n\r".unicodeScalars.contains($0)
        }
    }
}
