import Foundation
import Synchronization

/// A clock the test moves by hand, so that backoff and lease expiry are checked without sleeping.
public final class TestClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func advance(seconds: Double) {
        current.withLock { $0 += seconds }
    }
}
