import AssayCore
import Foundation
import Testing

@Suite("JSON objects of string members")
struct StringMembersTests {
    @Test("written as JSONEncoder writes a struct of strings, escapes included")
    func sameBytesAsJSONEncoder() throws {
        struct Payload: Encodable {
            var submission_id: String
        }
        for id in ["0193a1b2-0000-7000-8000-000000000000", "quote \" slash \\ tab \t nul \u{0} é 😀", ""] {
            let written = AssayJSON.encode(stringMembers: ["submission_id": id])
            #expect(written == (try JSONEncoder().encode(Payload(submission_id: id))))
            #expect(AssayJSON.stringMembers(of: written) == ["submission_id": id])
        }
    }

    @Test("strings then booleans, written as AssayJSON.encoder() writes a struct of them")
    func stringsThenBooleans() throws {
        struct Answer: Encodable {
            var message: String
            var queue_mode: String
            var success: Bool
        }
        for (text, flag) in [("Assessment submitted successfully", true), ("a/b \" \u{1} 😀", false)] {
            let written = AssayJSON.encode(
                stringMembers: ["message": text, "queue_mode": "database"], boolMembers: ["success": flag])
            #expect(
                written
                    == (try AssayJSON.encoder().encode(
                        Answer(message: text, queue_mode: "database", success: flag))))
        }
    }

    @Test("anything but an object of strings is left to JSONDecoder")
    func othersAreNil() {
        for document in [
            #"{"submission_id": 7}"#, #"{"a": "x", "a": "y"}"#, #"["x"]"#, #""x""#, #"{"a": "x""#,
            #"{"a": "x", "b": null}"#, "",
        ] {
            #expect(AssayJSON.stringMembers(of: Data(document.utf8)) == nil, "\(document)")
        }
        #expect(
            AssayJSON.stringMembers(of: Data(#" { "a" : "x" , "b":"y" } "#.utf8)) == ["a": "x", "b": "y"])
    }
}
