import Foundation

/// A queue of the emulated namespace with its dead-letter subqueue.
struct EmulatedQueue: Sendable {
    let name: String
    var lockDuration: TimeInterval
    var maxDeliveryCount: Int
    let createdAt: Date
    private(set) var messages: [StoredMessage] = []
    private(set) var deadLetters: [StoredMessage] = []
    private(set) var nextSequenceNumber: Int64 = 1
    /// No lock of ``messages`` ends and none of them expires before this: until then ``advance(to:)``
    /// has nothing to do there, and skips the look at every message that each request paid for.
    /// Lowered whenever a lock or a time to live starts, set exactly by each pass that changes.
    private var nextChange = Date.distantFuture

    init(name: String, lockDuration: TimeInterval, maxDeliveryCount: Int, createdAt: Date) {
        self.name = name
        self.lockDuration = lockDuration
        self.maxDeliveryCount = maxDeliveryCount
        self.createdAt = createdAt
    }

    /// Stores a message as the next in the queue, numbered with the next sequence number.
    mutating func append(_ incoming: IncomingMessage, messageId: String, now: Date) {
        let message = StoredMessage(
            body: incoming.body, contentType: incoming.contentType, messageId: messageId,
            passedProperties: incoming.passedProperties, timeToLive: incoming.timeToLive,
            userProperties: incoming.userProperties, sequenceNumber: nextSequenceNumber,
            enqueuedTime: now, scheduledEnqueueTime: incoming.scheduledEnqueueTime)
        messages.append(message)
        nextSequenceNumber += 1
        if let expiry = message.expiry { nextChange = min(nextChange, expiry) }
    }

    /// Applies what time does: expired locks are released (a message delivered MaxDeliveryCount
    /// times moves to the dead-letter subqueue) and messages past their time to live are dropped.
    mutating func advance(to now: Date) {
        advanceDeadLetterLocks(to: now)
        guard nextChange <= now else { return }
        var kept: [StoredMessage] = []
        var next = Date.distantFuture
        for var message in messages where !message.isExpired(at: now) {
            if let lockedUntil = message.lockedUntil, lockedUntil <= now {
                message.lockToken = nil
                message.lockedUntil = nil
                if message.deliveryCount >= maxDeliveryCount {
                    deadLetters.append(deadLettered(message))
                    continue
                }
            }
            next = min(next, message.lockedUntil ?? .distantFuture, message.expiry ?? .distantFuture)
            kept.append(message)
        }
        messages = kept
        nextChange = next
    }

    private mutating func advanceDeadLetterLocks(to now: Date) {
        for index in deadLetters.indices {
            if let lockedUntil = deadLetters[index].lockedUntil, lockedUntil <= now {
                deadLetters[index].lockToken = nil
                deadLetters[index].lockedUntil = nil
            }
        }
    }

    /// The index of the first message of the queue, or of its dead-letter subqueue, that matches.
    /// (An index, not a copy of the array: a copy held while the array changes copies it whole.)
    private func firstIndex(deadLetter: Bool, where matches: (StoredMessage) -> Bool) -> Int? {
        deadLetter ? deadLetters.firstIndex(where: matches) : messages.firstIndex(where: matches)
    }

    /// Locks the first visible unlocked message of the queue or its dead-letter subqueue.
    mutating func lockNext(deadLetter: Bool, now: Date) -> StoredMessage? {
        guard
            let index = firstIndex(
                deadLetter: deadLetter, where: { $0.lockToken == nil && $0.isVisible(at: now) })
        else {
            return nil
        }
        var message = deadLetter ? deadLetters[index] : messages[index]
        message.deliveryCount += 1
        message.lockToken = UUID().uuidString.lowercased()
        message.lockedUntil = now.addingTimeInterval(lockDuration)
        if deadLetter {
            deadLetters[index] = message
        } else {
            messages[index] = message
            nextChange = min(nextChange, now.addingTimeInterval(lockDuration))
        }
        return message
    }

    /// Removes and returns the first visible unlocked message (receive and delete).
    mutating func takeNext(deadLetter: Bool, now: Date) -> StoredMessage? {
        guard
            let index = firstIndex(
                deadLetter: deadLetter, where: { $0.lockToken == nil && $0.isVisible(at: now) })
        else {
            return nil
        }
        var message = deadLetter ? deadLetters[index] : messages[index]
        message.deliveryCount += 1
        if deadLetter { deadLetters.remove(at: index) } else { messages.remove(at: index) }
        return message
    }

    /// Completes, abandons or renews the lock of the message named by sequence number or message id;
    /// false when no message holds that lock (it expired, or the message was settled).
    mutating func settle(
        reference: String, lockToken: String, action: SettleAction, deadLetter: Bool, now: Date
    )
        -> Bool
    {
        // A sequence number is compared as a number, and as text only when the numbers are equal.
        let number = Int64(reference)
        guard
            let index = firstIndex(
                deadLetter: deadLetter,
                where: {
                    ($0.messageId == reference
                        || ($0.sequenceNumber == number && String($0.sequenceNumber) == reference))
                        && $0.lockToken?.caseInsensitiveCompare(lockToken) == .orderedSame
                        && ($0.lockedUntil ?? .distantPast) > now
                })
        else { return false }
        var message = deadLetter ? deadLetters[index] : messages[index]
        switch action {
        case .complete:
            if deadLetter { deadLetters.remove(at: index) } else { messages.remove(at: index) }
            return true
        case .renewLock:
            message.lockedUntil = now.addingTimeInterval(lockDuration)
        case .abandon:
            message.lockToken = nil
            message.lockedUntil = nil
            if !deadLetter && message.deliveryCount >= maxDeliveryCount {
                messages.remove(at: index)
                deadLetters.append(deadLettered(message))
                return true
            }
        }
        if deadLetter { deadLetters[index] = message } else { messages[index] = message }
        return true
    }

    /// The message as the broker moves it to the dead-letter subqueue after its last delivery, with
    /// the two properties Service Bus adds (the description as the service words it).
    private func deadLettered(_ message: StoredMessage) -> StoredMessage {
        var message = message
        message.deadLetterReason = "MaxDeliveryCountExceeded"
        message.deadLetterErrorDescription =
            "Message could not be consumed after \(maxDeliveryCount) delivery attempts."
        return message
    }

    /// Ends every lock now, as if each had expired.
    mutating func expireLocks(now: Date) {
        for index in messages.indices where messages[index].lockToken != nil {
            messages[index].lockedUntil = now
        }
        nextChange = now
        for index in deadLetters.indices where deadLetters[index].lockToken != nil {
            deadLetters[index].lockedUntil = now
        }
        advance(to: now)
    }
}
