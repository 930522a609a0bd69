/// Whether a `Content-Type` header declares JSON: `application/json` or any `+json` type, in any
/// case, with or without parameters (`; charset=utf-8`) and the spaces or tabs around them.
///
/// Read over the header's bytes once, with no string made: it runs at every submit, where
/// lowercasing, splitting and Foundation's trimming took about 1 % of the server's samples.
enum JSONMediaType {
    static func matches(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        var utf8 = contentType.utf8[...]
        if let semicolon = utf8.firstIndex(of: UInt8(ascii: ";")) { utf8 = utf8[..<semicolon] }
        let mediaType = trimmed(utf8)
        return equalsIgnoringCase(mediaType, "application/json") || endsIgnoringCase(mediaType, with: "+json")
    }

    private static func trimmed(_ bytes: Substring.UTF8View) -> Substring.UTF8View {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isSpace(bytes[start]) { start = bytes.index(after: start) }
        while end > start, isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
        return bytes[start..<end]
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    private static func equalsIgnoringCase(_ bytes: some Collection<UInt8>, _ lowercase: StaticString) -> Bool
    {
        lowercase.withUTF8Buffer { expected in
            bytes.count == expected.count && zip(bytes, expected).allSatisfy { lowercased($0) == $1 }
        }
    }

    private static func endsIgnoringCase(_ bytes: some Collection<UInt8>, with lowercase: StaticString)
        -> Bool
    {
        lowercase.withUTF8Buffer { suffix in
            bytes.count > suffix.count
                && equalsIgnoringCase(bytes.dropFirst(bytes.count - suffix.count), lowercase)
        }
    }
}
