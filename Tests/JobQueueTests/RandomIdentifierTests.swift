import Foundation
import JobQueue
import Testing

@Suite("Random identifiers")
struct RandomIdentifierTests {
    @Test("each is a lower-case version 7 UUID of the RFC variant, and none repeats")
    func versionSevenUUIDs() throws {
        let identifiers = (0..<2000).map { _ in RandomIdentifier.uuidString() }
        #expect(Set(identifiers).count == identifiers.count)
        for identifier in identifiers {
            let uuid = try #require(UUID(uuidString: identifier))
            #expect(uuid.uuidString.lowercased() == identifier)
            let characters = Array(identifier)
            #expect(characters[14] == "7")
            #expect("89ab".contains(characters[19]))
        }
    }

    @Test("an identifier starts with the millisecond it was made, so that later ones sort later")
    func timeOrdered() throws {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let identifier = RandomIdentifier.uuidString()
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        let made = try #require(milliseconds(of: identifier))
        #expect((before...after).contains(made))

        let times: [UInt64] = [0, 1, 255, 256, 1_764_500_000_000, 1_764_500_000_001, 0xffff_ffff_ffff]
        let identifiers = times.map { RandomIdentifier.uuidString(milliseconds: $0) }
        #expect(identifiers == identifiers.sorted())
        #expect(identifiers.map { milliseconds(of: $0) } == times)
        #expect(identifiers.first?.hasPrefix("00000000-0000-7") == true)
        #expect(identifiers.last?.hasPrefix("ffffffff-ffff-7") == true)
    }

    @Test("text that is not a version 7 UUID has no time")
    func notVersionSeven() {
        #expect(milliseconds(of: "0c6b965a-0018-4c34-98a8-092830673b82") == nil)
        #expect(milliseconds(of: "not an id") == nil)
    }

    /// The milliseconds since 1970 in the first 48 bits of a version 7 UUID's text.
    private func milliseconds(of text: String) -> UInt64? {
        let characters = Array(text.utf8)
        guard characters.count == 36, characters[14] == UInt8(ascii: "7") else { return nil }
        return UInt64(String(decoding: characters[0..<8] + characters[9..<13], as: UTF8.self), radix: 16)
    }
}
