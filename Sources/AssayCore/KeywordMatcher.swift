// Finds keywords in a text as whole words or phrases, ignoring case.
//
// A match must not have a letter, a digit or `_` right before or after it, so "actor" matches
// "Actor," but not "actors". Runs of white space count as one space in both text and keyword, so a
// phrase matches across line breaks.
struct KeywordMatcher {
    private let characters: [Character]

    init(text: String) {
        characters = Self.normalize(text)
    }

    func contains(_ keyword: String) -> Bool {
        let needle = Self.normalize(keyword)
        guard !needle.isEmpty, needle.count <= characters.count else {
            return false
        }
        for start in 0...(characters.count - needle.count) {
            let end = start + needle.count
            guard characters[start..<end].elementsEqual(needle) else {
                continue
            }
            let wordBefore = start > 0 && Self.isWordCharacter(characters[start - 1])
            let wordAfter = end < characters.count && Self.isWordCharacter(characters[end])
            if !wordBefore && !wordAfter {
                return true
            }
        }
        return false
    }

    func firstMatch(in keywords: [String]) -> String? {
        keywords.first { contains($0) }
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

    private static func normalize(_ text: String) -> [Character] {
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
