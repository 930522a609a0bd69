import Testing

@testable import AssayCore

@Suite("Character classes answered without Unicode's tables")
struct CharacterClassTests {
    private static let scalars = (0...0x10FFFF).compactMap(Unicode.Scalar.init(_:))

    @Test("a scalar is a control character exactly when its general category is Cc")
    func control() {
        let disagreeing = Self.scalars.filter { $0.isControl != ($0.properties.generalCategory == .control) }
        #expect(disagreeing.isEmpty)
    }

    @Test("the keyword matcher's white space is exactly Character.isWhitespace, CR-LF included")
    func whitespace() {
        let characters = Self.scalars.map(Character.init) + ["\r\n", "a\u{301}", " \u{301}"]
        let disagreeing = characters.filter { KeywordMatcher.isWhitespace($0) != $0.isWhitespace }
        #expect(disagreeing.isEmpty)
    }
}
