import Foundation
import JobQueue
import Testing

@Suite("Random identifiers")
struct RandomIdentifierTests {
    @Test("each is a lower-case version 4 UUID of the RFC 4122 variant, and none repeats")
    func versionFourUUIDs() throws {
        let identifiers = (0..<2000).map { _ in RandomIdentifier.uuidString() }
        #expect(Set(identifiers).count == identifiers.count)
        for identifier in identifiers {
            let uuid = try #require(UUID(uuidString: identifier))
            #expect(uuid.uuidString.lowercased() == identifier)
            let characters = Array(identifier)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
        }
    }
}
