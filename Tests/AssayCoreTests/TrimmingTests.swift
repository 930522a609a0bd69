import Foundation
import Testing

@testable import AssayCore

@Suite("Trimming white space without Foundation")
struct TrimmingTests {
    @Test("a scalar is trimmed exactly when Foundation's trimming trims it")
    func everyScalar() {
        let disagreeing = (0...0x10FFFF).compactMap(Unicode.Scalar.init).filter {
            $0.isTrimmedWhiteSpace != String($0).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        #expect(disagreeing.map(\.value) == [])
    }

    @Test(
        "trimmed and isBlank agree with Foundation's trimming",
        arguments: [
            "", " ", "let", " let ", "\tlet\n", "\r\n let \r\n", "\u{A0}let\u{A0}", "\u{2003}let\u{3000}",
            "\u{85}let\u{2028}", "\u{2029}", "\u{B}\u{C}", " \u{301}let", "let \u{301}", "e\u{301} ",
            " \u{200B}let\u{200B} ", "\u{FEFF}let", " 🇫🇷 ", "a b\tc", "\u{1680}x\u{202F}", " \u{0}let ",
            "\u{A0}\u{A0}", "\u{301}", "\n\u{301}\n",
        ]
    )
    func agreesWithFoundation(text: String) {
        let expected = text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Array(text.trimmed.unicodeScalars) == Array(expected.unicodeScalars))
        #expect(text.isBlank == expected.isEmpty)
    }
}
