import Foundation
import Synchronization

/// The fault in force, if any, and until when (on the emulator's clock).
public final class EmulatorFaults: Sendable {
    private let state = Mutex<(fault: EmulatorFault, until: Date)?>(nil)
    private let clock: EmulatorClock

    init(clock: EmulatorClock) {
        self.clock = clock
    }

    /// Injects `fault` into every request for `duration`, replacing any fault in force.
    public func inject(_ fault: EmulatorFault, for duration: Duration) {
        let until = clock.now().addingTimeInterval(duration.secondsValue)
        state.withLock { $0 = (fault, until) }
    }

    /// Ends any fault now.
    public func clear() {
        state.withLock { $0 = nil }
    }

    /// The fault in force now, if any.
    public var current: EmulatorFault? {
        let now = clock.now()
        return state.withLock { state in
            guard let active = state, active.until > now else { return nil }
            return active.fault
        }
    }
}
