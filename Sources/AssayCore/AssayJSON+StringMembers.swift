import Foundation

extension AssayJSON {
    /// A JSON object of string members, in the order given, such as `{"submission_id":"…"}`: what
    /// JSONEncoder writes for a struct of strings, without its intermediate tree.
    public static func encode(stringMembers members: KeyValuePairs<StaticString, String>) -> Data {
        encode(stringMembers: members, boolMembers: [:])
    }

    /// A JSON object of string members, then boolean members, each in the order given, such as
    /// `{"message":"…","success":true}`. The caller gives the keys in sorted order, as
    /// `AssayJSON.encoder()` sorts them.
    public static func encode(
        stringMembers strings: KeyValuePairs<StaticString, String>,
        boolMembers bools: KeyValuePairs<StaticString, Bool>
    ) -> Data {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        for (key, value) in strings {
            writer.key(key)
            writer.string(value)
        }
        for (key, value) in bools {
            writer.key(key)
            writer.bool(value)
        }
        writer.endObject()
        return Data(writer.bytes)
    }

    /// The members of a JSON object whose members are all strings, or `nil` for any other document
    /// (malformed, a duplicate key, a member of another type): the caller hands that to
    /// JSONDecoder, whose value or error stands.
    public static func stringMembers(of document: Data) -> [String: String]? {
        guard case .object(let members)? = JSONReader.read(document) else { return nil }
        var strings: [String: String] = [:]
        for member in members {
            guard case .string(let text) = member.value else { return nil }
            strings[member.key] = text
        }
        return strings
    }
}
