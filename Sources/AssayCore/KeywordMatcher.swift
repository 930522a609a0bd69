// Finds keywords in a text as whole words or phrases, ignoring case.
//
// A match must not have a letter, a digit or `_` right before or after it, so "actor" matches
// "Actor," but not "actors". Runs of white space count as one space in both text and keyword, so a
// phrase matches across line breaks.
//
// Nearly every answer and keyword is ASCII: those are matched as bytes, where a byte is a
// character, lowercasing is one subtraction and a word character one of `a-z0-9_`. Any other text
// or keyword is matched as `Character`s, with Unicode's case mapping and canonical equivalence.
// The two agree on ASCII (`KeywordMatcherTests` holds them to it): scoring an answer spent most
// of its time building, lowercasing and comparing `Character`s, 4 % of the server's CPU time.
struct KeywordMatcher {
    private let text: String
    /// The text, normalized, as bytes when it is ASCII, else as characters.
    private let bytes: [UInt8]?
    private let characters: [Character]?

    init(text: String) {
        self.text = text
        bytes = Self.normalizeASCII(text)
        characters = bytes == nil ? Self.normalize(text) : nil
    }

    func contains(_ keyword: String) -> Bool {
        if let bytes, let needle = Self.normalizeASCII(keyword) {
            return Self.firstWholeMatch(of: needle, in: bytes, isWordCharacter: Self.isWordByte)
        }
        // A keyword that is not ASCII may still match ASCII text once lowercased (the Kelvin sign).
        return Self.containsAsCharacters(keyword, in: characters ?? Self.normalize(text))
    }

    /// Whether `keyword` occurs in the normalized `characters`, compared as `Character`s.
    static func containsAsCharacters(_ keyword: String, in characters: [Character]) -> Bool {
        firstWholeMatch(of: normalize(keyword), in: characters, isWordCharacter: isWordCharacter)
    }

    func firstMatch(in keywords: [String]) -> String? {
        keywords.first { contains($0) }
    }

    /// Whether `needle` occurs in `haystack` with no word character right before or after it.
    private static func firstWholeMatch<Element: Equatable>(
        of needle: [Element], in haystack: [Element], isWordCharacter: (Element) -> Bool
    ) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else {
            return false
        }
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            let end = start + needle.count
            guard haystack[start..<end].elementsEqual(needle) else {
                continue
            }
            let wordBefore = start > 0 && isWordCharacter(haystack[start - 1])
            let wordAfter = end < haystack.count && isWordCharacter(haystack[end])
            if !wordBefore && !wordAfter {
                return true
            }
        }
        return false
    }

    /// `text` lowercased, its runs of white space made one space and its leading and trailing
    /// white space dropped, as bytes; `nil` when it is not ASCII.
    static func normalizeASCII(_ text: String) -> [UInt8]? {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            if byte == 0x20 || (0x09...0x0d).contains(byte) {
                pendingSpace = true
            } else {
                if pendingSpace && !result.isEmpty {
                    result.append(0x20)
                }
                pendingSpace = false
                result.append((0x41...0x5a).contains(byte) ? byte + 0x20 : byte)
            }
        }
        return result
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x5f
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_"
    }

    // `Character.isWhitespace`, answered without Unicode's property tables for ASCII (tab to
    // carriage return, and space), which nearly every answer is.
    static func isWhitespace(_ character: Character) -> Bool {
        if let ascii = character.asciiValue {
            return ascii == 0x20 || (0x09...0x0d).contains(ascii)
        }
        return character.isWhitespace
    }

    static func normalize(_ text: String) -> [Character] {
        var result: [Character] = []
        var pendingSpace = false
        for character in text.lowercased() {
            if isWhitespace(character) {
                pendingSpace = true
            } else {
                if pendingSpace && !result.isEmpty {
                    result.append(" ")
                }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }
}
