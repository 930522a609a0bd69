import Synchronization

/// A level-triggered wake-up for one waiting task: a wake that arrives while nobody waits is kept
/// for the next wait.
///
/// A wake says that there may be new work to look for (``wake()``), or only that something the
/// waiter keeps changed (``nudge()``: a job finished, a job was handed over); the waiter asks which
/// with ``takeNewWork()``.
public final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var newWork = false
        var waiter: CheckedContinuation<Void, Never>?
        /// The number of the latest wait, and of the latest whose timeout passed.
        var waits = 0
        var timedOut = 0
    }

    /// Timeouts at least this long are kept by the shared ``DeadlineWatch`` (and may end a tick
    /// late); shorter ones each get a sleeping task.
    static let watchedTimeout: Duration = .milliseconds(500)

    private let state = Mutex(State())

    public init() {}

    /// Wakes the waiting task, or the next one to wait: there may be new work.
    public func wake() {
        state.withLock { $0.newWork = true }
        nudge()
    }

    /// Whether a ``wake()`` came that ``takeNewWork()`` has not taken yet.
    public var hasNewWork: Bool { state.withLock { $0.newWork } }

    /// Whether a ``wake()`` came since the last call; clears it.
    public func takeNewWork() -> Bool {
        state.withLock { state in
            defer { state.newWork = false }
            return state.newWork
        }
    }

    /// Wakes the waiting task, or the next one to wait, with no new work to look for.
    public func nudge() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next wake, after `timeout`, or on cancellation, whichever comes first.
    ///
    /// A worker waits like this after nearly every job; a wait used to be a task group of two
    /// tasks, one of them asleep on a timer of its own that went on to fire long after the wake.
    /// Now a long wait (the poll interval) costs an entry in the shared deadline watch, and only a
    /// short one (the claim window) a task.
    public func wait(timeout: Duration) async {
        let number = state.withLock { state in
            state.waits += 1
            return state.waits
        }
        if timeout >= Self.watchedTimeout {
            let ticket = DeadlineWatch.shared.add(deadline: .now + timeout) { self.timeOut(number) }
            await waitForWake(number)
            DeadlineWatch.shared.remove(ticket)
        } else {
            Task {
                try? await Task.sleep(for: timeout)
                self.timeOut(number)
            }
            await waitForWake(number)
        }
    }

    /// Ends wait `number` if it still runs; a later wait is not touched.
    private func timeOut(_ number: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.waits == number else { return nil }
            state.timedOut = number
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    private func waitForWake(_ number: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || state.timedOut == number || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            nudge()
        }
    }
}
