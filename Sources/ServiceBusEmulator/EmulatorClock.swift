import Foundation
import Synchronization

/// The emulator's time: the real time plus an offset that tests move forward, so that lock expiry,
/// scheduled messages and token expiry are checked without sleeping.
public final class EmulatorClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    public init() {}

    public func now() -> Date {
        Date().addingTimeInterval(offset.withLock { $0 })
    }

    /// Moves the emulator's time forward by `duration`.
    public func advance(by duration: Duration) {
        offset.withLock { $0 += duration.secondsValue }
    }
}
