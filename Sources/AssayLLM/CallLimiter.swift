import Synchronization

/// A counting gate that lets at most `limit` operations run at once; the rest wait in order.
///
/// One limiter is shared by every scorer of a worker, so `LLM_MAX_CONCURRENCY` bounds model
/// calls whatever the job concurrency. A waiting task that is cancelled stops waiting and throws
/// `CancellationError`.
///
/// ```swift
/// let limiter = CallLimiter(limit: 2)
/// let answer = try await limiter.run { try await client.complete(request) }
/// ```
public final class CallLimiter: Sendable {
    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running = 0
        var nextID: UInt64 = 0
        var waiters: [Waiter] = []
    }

    /// The most operations that run at once.
    public let limit: Int
    private let state = Mutex(State())

    /// A limiter of `limit` operations at once; a limit below 1 counts as 1.
    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// The operations running now.
    public var running: Int {
        state.withLock { $0.running }
    }

    /// Runs `operation` once fewer than `limit` others run, and frees its place when it ends.
    public func run<Value: Sendable, Failure: Error>(
        _ operation: () async throws(Failure) -> Value
    ) async throws -> Value {
        try await acquire()
        defer { release() }
        return try await operation()
    }

    private func acquire() async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<Void, any Error>) in
                let admitted = state.withLock { state -> Bool? in
                    if Task.isCancelled {
                        return nil
                    }
                    if state.running < limit {
                        state.running += 1
                        return true
                    }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return false
                }
                switch admitted {
                case .some(true): continuation.resume()
                case .some(false): break
                case nil: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                    return nil
                }
                return state.waiters.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release() {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.running -= 1
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume()
    }
}
