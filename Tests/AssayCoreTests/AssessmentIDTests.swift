import AssayCore
import Foundation
import Testing

@Suite("Assessment id generation")
struct AssessmentIDTests {
    private func decodedID(title: String) throws -> String {
        let title = String(decoding: try JSONEncoder().encode(title), as: UTF8.self)
        let json =
            #"{"title": \#(title), "questions": [{"id": "q1", "kind": "numeric", "prompt": "?", "points": 1, "answer": 1}]}"#
        return try TestFixtures.decode(Assessment.self, from: json).id
    }

    @Test(
        "a missing id becomes a slug of the title, a dash and six random characters",
        arguments: [
            ("Swift basics", "swift-basics"),
            ("  Café & Crème: Part 2!  ", "cafe-creme-part-2"),
            ("SQL -- joins", "sql-joins"),
            ("!!!", "assessment"),
            ("日本語", "assessment"),
            ("", "assessment"),
        ]
    )
    func generatedFromTitle(title: String, slug: String) throws {
        let id = try decodedID(title: title)
        #expect(id.wholeMatch(of: try Regex("\(slug)-[a-z0-9]{6}")) != nil, "id \(id)")
    }

    @Test("a long title is cut so the id stays within 64 characters, without a trailing dash")
    func longTitle() throws {
        // The slug is cut at 57 characters, right after a dash, which then goes too.
        let id = try decodedID(title: String(repeating: "ab ", count: 40))
        #expect(id.count == 63)
        #expect(id.wholeMatch(of: /(ab-){19}[a-z0-9]{6}/) != nil, "id \(id)")
    }

    @Test("generated ids differ from one decoding to the next")
    func random() throws {
        let ids = try (0..<20).map { _ in try decodedID(title: "Swift basics") }
        #expect(Set(ids).count == ids.count)
    }

    @Test("a generated id passes validation, and a given id is kept")
    func givenAndGenerated() throws {
        var json = TestFixtures.designExampleJSON
        json.replace(#""id": "swift-basics", "#, with: "")
        let generated = try TestFixtures.decode(Assessment.self, from: json)
        #expect(generated.id.hasPrefix("swift-basics-"))
        try generated.validate()
        #expect(
            try TestFixtures.decode(Assessment.self, from: TestFixtures.designExampleJSON).id
                == "swift-basics")
    }
}
