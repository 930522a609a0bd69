import Synchronization

/// The outcome of `operation`, or `expired()` thrown once `limit` has passed without one.
///
/// The caller gets its answer at the deadline even if the operation does not stop when cancelled:
/// the operation runs in a task of its own, which is cancelled then and left to end by itself.
/// Cancelling the caller cancels the operation. Deadlines are kept by one shared watch, so an
/// operation costs one task and no timer of its own.
public func withDeadline<T: Sendable>(
    _ limit: Duration, expired: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = FirstOutcome<T>()
    let work = Task {
        do {
            outcome.resume(with: .success(try await operation()))
        } catch {
            outcome.resume(with: .failure(error))
        }
    }
    let ticket = DeadlineWatch.shared.add(deadline: .now + limit) {
        if outcome.resume(with: .failure(expired())) { work.cancel() }
    }
    defer { DeadlineWatch.shared.remove(ticket) }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { outcome.set($0) }
    } onCancel: {
        work.cancel()
    }
}

/// Calls the expiry of each deadline that passes, from one loop that runs while deadlines are kept.
final class DeadlineWatch: Sendable {
    static let shared = DeadlineWatch()
    /// How late an expiry may be called.
    static let tick: Duration = .milliseconds(100)

    private struct Entry {
        var deadline: ContinuousClock.Instant
        var expire: @Sendable () -> Void
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var nextTicket = 0
        var watching = false
    }

    private let state = Mutex(State())

    /// Keeps `deadline`; `expire` is called once it has passed, unless the ticket is removed first.
    func add(deadline: ContinuousClock.Instant, expire: @escaping @Sendable () -> Void) -> Int {
        let (ticket, startsWatch) = state.withLock { state -> (Int, Bool) in
            state.nextTicket += 1
            state.entries[state.nextTicket] = Entry(deadline: deadline, expire: expire)
            defer { state.watching = true }
            return (state.nextTicket, !state.watching)
        }
        if startsWatch { Task { await self.watch() } }
        return ticket
    }

    func remove(_ ticket: Int) {
        _ = state.withLock { $0.entries.removeValue(forKey: ticket) }
    }

    private func watch() async {
        while true {
            try? await Task.sleep(for: Self.tick)
            let now = ContinuousClock.now
            let (expired, stop) = state.withLock { state -> ([Entry], Bool) in
                let expired = state.entries.filter { $0.value.deadline <= now }
                for ticket in expired.keys { state.entries.removeValue(forKey: ticket) }
                if state.entries.isEmpty { state.watching = false }
                return (Array(expired.values), state.entries.isEmpty)
            }
            for entry in expired { entry.expire() }
            if stop { return }
        }
    }
}

/// The first of several racing results, handed once to a waiting continuation.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var done = false
    }

    private let state = Mutex(State())

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let early = state.early {
                state.early = nil
                return early
            }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Resumes the waiter with `result` if nothing did before; `true` when this call did.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        let (continuation, first) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Bool) in
            guard !state.done else { return (nil, false) }
            state.done = true
            guard let continuation = state.continuation else {
                state.early = result
                return (nil, true)
            }
            state.continuation = nil
            return (continuation, true)
        }
        continuation?.resume(with: result)
        return first
    }
}
