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
    }

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
    public func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.waitForWake() }
            await group.next()
            group.cancelAll()
            await group.waitForAll()
        }
    }

    private func waitForWake() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
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
