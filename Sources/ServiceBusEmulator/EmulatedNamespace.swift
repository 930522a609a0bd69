import Foundation
import Synchronization

/// The emulated namespace: its queues and their messages, under one lock. Queue names are
/// case-insensitive, as in Service Bus.
public final class EmulatedNamespace: Sendable {
    private let queues = Mutex<[String: EmulatedQueue]>([:])
    private let clock: EmulatorClock

    init(clock: EmulatorClock) {
        self.clock = clock
    }

    /// Creates the queue; false when it exists already.
    @discardableResult
    public func createQueue(_ name: String, lockDuration: Duration, maxDeliveryCount: Int) -> Bool {
        createQueue(name, lockSeconds: lockDuration.secondsValue, maxDeliveryCount: maxDeliveryCount)
    }

    func createQueue(_ name: String, lockSeconds seconds: TimeInterval, maxDeliveryCount: Int) -> Bool {
        let now = clock.now()
        return queues.withLock { queues in
            guard queues[name.lowercased()] == nil else { return false }
            queues[name.lowercased()] = EmulatedQueue(
                name: name, lockDuration: seconds, maxDeliveryCount: maxDeliveryCount, createdAt: now)
            return true
        }
    }

    /// The queue's counts, or nil when there is no such queue.
    public func counts(of name: String) -> EmulatorQueueCounts? {
        withQueue(name) { queue, now in
            let scheduled = queue.messages.filter { !$0.isVisible(at: now) }.count
            let size =
                queue.messages.reduce(0) { $0 + $1.body.count }
                + queue.deadLetters.reduce(0) { $0 + $1.body.count }
            return EmulatorQueueCounts(
                active: queue.messages.count - scheduled, deadLetter: queue.deadLetters.count,
                scheduled: scheduled,
                sizeInBytes: size)
        }
    }

    /// Ends every lock in the namespace now, as if each had expired: their holders' settlements fail.
    public func expireAllLocks() {
        let now = clock.now()
        queues.withLock { queues in
            for name in queues.keys { queues[name]?.expireLocks(now: now) }
        }
    }

    func queue(_ name: String) -> EmulatedQueue? {
        withQueue(name) { queue, _ in queue }
    }

    /// Runs `body` on the queue brought up to the emulator's time; nil when there is no such queue.
    func withQueue<T: Sendable>(_ name: String, _ body: (inout EmulatedQueue, Date) -> T) -> T? {
        let now = clock.now()
        return queues.withLock { queues in
            // Taken out while it changes, so that its messages are not shared, and so not copied.
            guard var queue = queues.removeValue(forKey: name.lowercased()) else { return nil }
            queue.advance(to: now)
            let result = body(&queue, now)
            queues[name.lowercased()] = queue
            return result
        }
    }

    /// Stores messages (all or none); false when there is no such queue.
    func enqueue(_ messages: [IncomingMessage], to name: String) -> Bool {
        withQueue(name) { queue, now in
            for incoming in messages {
                queue.append(
                    incoming,
                    messageId: incoming.messageId
                        ?? UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
                    now: now)
            }
            return true
        } ?? false
    }
}
