import Foundation

// Assessment ids: slugs of `[a-z0-9-]`, 1 to 64 characters.
enum AssessmentID {
    static let maximumLength = 64
    private static let suffixLength = 6
    private static let suffixAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")

    static func isValid(_ id: String) -> Bool {
        (1...maximumLength).contains(id.count) && id.allSatisfy(isSlugCharacter)
    }

    // A new id for an assessment with this title: its slug, a dash and six random characters.
    static func generate(fromTitle title: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return generate(fromTitle: title, using: &generator)
    }

    static func generate(fromTitle title: String, using generator: inout some RandomNumberGenerator) -> String
    {
        let suffix = String((0..<suffixLength).map { _ in suffixAlphabet.randomElement(using: &generator)! })
        let prefix = slug(title, maximumLength: maximumLength - suffixLength - 1)
        return "\(prefix.isEmpty ? "assessment" : prefix)-\(suffix)"
    }

    // The title in lower case ASCII, accents dropped, each run of other characters turned into one dash.
    static func slug(_ title: String, maximumLength: Int) -> String {
        let folded = title.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        var slug = ""
        var pendingDash = false
        for character in folded {
            if isSlugCharacter(character) && character != "-" {
                if pendingDash && !slug.isEmpty {
                    slug.append("-")
                }
                slug.append(character)
                pendingDash = false
            } else {
                pendingDash = true
            }
        }
        if slug.count > maximumLength {
            slug = String(slug.prefix(maximumLength))
        }
        while slug.hasSuffix("-") {
            slug.removeLast()
        }
        return slug
    }

    private static func isSlugCharacter(_ character: Character) -> Bool {
        guard let byte = character.asciiValue else {
            return false
        }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-")
    }
}
