import Testing

@testable import AssayCore

@Suite("Keyword matching")
struct KeywordMatcherTests {
    @Test("whole words and phrases, any case, white space runs as one space")
    func wholeWords() {
        let matcher = KeywordMatcher(text: "An Actor,\r\n  isolates   its_state; actors\tshare nothing.")
        #expect(matcher.contains("actor"))
        #expect(matcher.contains("ACTOR"))
        #expect(matcher.contains("actor, isolates"))
        #expect(matcher.contains(" actors  share "))
        #expect(!matcher.contains("its"))
        #expect(matcher.contains("its_state"))
        #expect(!matcher.contains("isolate"))
        #expect(!matcher.contains(""))
        #expect(!matcher.contains(" \t"))
        #expect(matcher.firstMatch(in: ["state", "nothing.", "share"]) == "nothing.")
    }

    @Test("beyond ASCII: Unicode's case mapping and canonical equivalence")
    func beyondASCII() {
        #expect(KeywordMatcher(text: "Kelvin scale").contains("\u{212A}elvin"))
        #expect(KeywordMatcher(text: "un cafe\u{301} noir").contains("CAFÉ"))
        #expect(KeywordMatcher(text: "un café noir").contains("cafe\u{301}"))
        #expect(!KeywordMatcher(text: "un cafés noir").contains("café"))
        #expect(KeywordMatcher(text: "ΣΟΦΊΑ και γνώση").contains("σοφία"))
        #expect(!KeywordMatcher(text: "naïveté").contains("na"))
    }

    @Test("on ASCII, bytes and Characters agree", arguments: 0..<4)
    func bytesAgreeWithCharacters(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let alphabet = Array("aAbB zZ_09\t\r\n.,-'".unicodeScalars).map(Character.init) + ["\r\n"]
        func phrase(_ length: Int) -> String {
            String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        for _ in 0..<2_000 {
            let text = phrase(Int(random.next() % 24))
            let keyword = phrase(1 + Int(random.next() % 4))
            let matcher = KeywordMatcher(text: text)
            let expected = KeywordMatcher.containsAsCharacters(keyword, in: KeywordMatcher.normalize(text))
            #expect(
                matcher.contains(keyword) == expected, "\(text.debugDescription) \(keyword.debugDescription)")
        }
    }
}

/// A small seeded generator, so that a failing case can be run again.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
