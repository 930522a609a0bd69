import Synchronization

/// A flag that one task raises and another reads.
final class TestFlag: Sendable {
    private let value = Mutex(false)

    var isRaised: Bool { value.withLock { $0 } }

    func raise() { value.withLock { $0 = true } }
}
