import Foundation

/// Random identifiers for jobs and submissions: a version 4 UUID, lower-cased, as `UUID()` gives.
///
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` on Linux at every call (three
/// system calls, about 6 μs); this draws its 16 bytes from `SystemRandomNumberGenerator`
/// (`getrandom`, about 2.5 μs), and an intake makes two or three of them per submission.
public enum RandomIdentifier {
    /// A new random UUID's text, such as `0c6b965a-0018-4c34-98a8-092830673b82`.
    public static func uuidString() -> String {
        var generator = SystemRandomNumberGenerator()
        var words = (generator.next() as UInt64, generator.next() as UInt64)
        let uuid = withUnsafeMutableBytes(of: &words) { bytes -> UUID in
            bytes[6] = (bytes[6] & 0x0f) | 0x40  // version 4: random
            bytes[8] = (bytes[8] & 0x3f) | 0x80  // the RFC 4122 variant
            return UUID(uuid: bytes.load(as: uuid_t.self))
        }
        return uuid.uuidString.lowercased()
    }
}
