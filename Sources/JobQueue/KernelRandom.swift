import CSystemRandom
import Glibc
import Synchronization

/// Random bits from the kernel's generator (`getrandom`), read 4 KiB at a time and handed out
/// in order, each byte once.
///
/// `SystemRandomNumberGenerator` asks the kernel for every 8 bytes: two system calls an
/// identifier, six a submission (its id and its two jobs' ids), twice as many calls as the
/// server's writes under load. The bytes are the kernel's either way; read ahead, they stay in this
/// process's memory until used, which Assay never forks without an exec.
struct KernelRandom: RandomNumberGenerator {
    mutating func next() -> UInt64 {
        KernelRandomPool.shared.next()
    }
}

private final class KernelRandomPool: Sendable {
    static let shared = KernelRandomPool()
    private static let size = 4096

    private struct State {
        var bytes = [UInt8](repeating: 0, count: KernelRandomPool.size)
        var used = KernelRandomPool.size
    }

    private let state = Mutex(State())

    func next() -> UInt64 {
        state.withLock { state in
            if state.used + 8 > state.bytes.count {
                state.bytes.withUnsafeMutableBytes(Self.fill)
                state.used = 0
            }
            defer { state.used += 8 }
            return state.bytes.withUnsafeBytes {
                $0.loadUnaligned(fromByteOffset: state.used, as: UInt64.self)
            }
        }
    }

    /// Fills `buffer` from the kernel; a call a signal interrupted is made again. Where the kernel
    /// has no `getrandom`, the standard library's generator fills it (which reads `/dev/urandom`).
    private static func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var filled = 0
        while filled < buffer.count {
            let read = getrandom(buffer.baseAddress! + filled, buffer.count - filled, 0)
            if read > 0 {
                filled += read
            } else if read < 0 && errno == EINTR {
                continue
            } else {
                var system = SystemRandomNumberGenerator()
                for offset in stride(from: filled, to: buffer.count, by: 8) {
                    withUnsafeBytes(of: system.next() as UInt64) { word in
                        let count = min(8, buffer.count - offset)
                        buffer.baseAddress!.advanced(by: offset).copyMemory(
                            from: word.baseAddress!, byteCount: count)
                    }
                }
                return
            }
        }
    }
}
