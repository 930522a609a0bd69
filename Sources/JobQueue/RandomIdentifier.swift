import Foundation

/// Identifiers for jobs and submissions: a version 7 UUID (RFC 9562), lower-case, such as
/// `019ad5f0-3c41-7a2b-9e55-0b8f2c6d1e7a`.
///
/// Its first 48 bits are the Unix time in milliseconds, the rest random, so that ids made later
/// sort later. Every table keyed by such an id (jobs, submissions, evaluations, reports) then adds
/// its new rows at the end of its primary-key index, where a random (version 4) id would land each
/// one on a page of its own: a transaction that writes a batch of submissions dirties a few pages
/// of each index instead of one per row, and the pages it reads back are the ones just written.
/// The id shows when it was made, which the records it names show anyway (`created_at`).
///
/// The random bits come from the kernel's generator, read ahead in blocks (``KernelRandom``):
/// Foundation's `UUID()` opens, reads and closes `/dev/urandom` at every call on Linux (three
/// system calls), and `SystemRandomNumberGenerator` makes one call for every 8 bytes.
public enum RandomIdentifier {
    /// A new identifier's text.
    public static func uuidString() -> String {
        let milliseconds = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        return uuidString(milliseconds: milliseconds)
    }

    /// An identifier made at `milliseconds` since 1970 (its low 48 bits).
    public static func uuidString(milliseconds: UInt64) -> String {
        var generator = KernelRandom()
        let random = (generator.next() as UInt64, generator.next() as UInt64)
        // 48 bits of time, the version (7), then 12 random bits.
        let high = (milliseconds & 0xffff_ffff_ffff) << 16 | 0x7000 | (random.0 & 0x0fff)
        // The RFC variant (binary 10), then 62 random bits.
        let low = 0x8000_0000_0000_0000 | (random.1 & 0x3fff_ffff_ffff_ffff)
        return String(unsafeUninitializedCapacity: 36) { text in
            let digits: StaticString = "0123456789abcdef"
            var index = 0
            func put(_ word: UInt64, nibbles: ClosedRange<Int>) {
                for nibble in nibbles.reversed() {
                    if index == 8 || index == 13 || index == 18 || index == 23 {
                        text[index] = UInt8(ascii: "-")
                        index += 1
                    }
                    text[index] = digits.utf8Start[Int(word >> UInt64(nibble * 4) & 0xf)]
                    index += 1
                }
            }
            put(high, nibbles: 0...15)
            put(low, nibbles: 0...15)
            return index
        }
    }
}
