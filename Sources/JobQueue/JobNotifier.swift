import Synchronization

/// Tells the workers of this process that a queue has new jobs, so they claim at once instead of
/// waiting for their next poll.
public final class JobNotifier: Sendable {
    private let subscribers = Mutex<[String: [WakeSignal]]>([:])

    public init() {}

    /// Wakes every worker loop subscribed to `queue`.
    public func notify(queue: String) {
        let signals = subscribers.withLock { $0[queue] ?? [] }
        for signal in signals { signal.wake() }
    }

    /// Wakes every subscribed worker loop, whatever its queue (after notifications may have been missed).
    public func notifyAll() {
        let signals = subscribers.withLock { $0.values.flatMap { $0 } }
        for signal in signals { signal.wake() }
    }

    /// Subscribes a worker loop's signal to `queue`.
    public func subscribe(_ signal: WakeSignal, to queue: String) {
        subscribers.withLock { $0[queue, default: []].append(signal) }
    }

    /// Ends a subscription made with ``subscribe(_:to:)``.
    public func unsubscribe(_ signal: WakeSignal, from queue: String) {
        subscribers.withLock { $0[queue]?.removeAll { $0 === signal } }
    }
}
