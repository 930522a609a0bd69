import Synchronization

/// The outcome of `operation`, or `expired()` thrown once `limit` has passed without one.
///
/// The caller gets its answer at the deadline even if the operation does not stop when cancelled:
/// the operation runs in a task of its own, which is cancelled then and left to end by itself.
/// Cancelling the caller cancels the operation.
public func withDeadline<T: Sendable>(
    _ limit: Duration, expired: @escaping @Sendable () -> any Error,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    let work = Task { try await operation() }
    let outcome = FirstOutcome<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            outcome.set(continuation)
            Task {
                do {
                    outcome.resume(with: .success(try await work.value))
                } catch {
                    outcome.resume(with: .failure(error))
                }
            }
            Task {
                try? await Task.sleep(for: limit)
                if outcome.resume(with: .failure(expired())) { work.cancel() }
            }
        }
    } onCancel: {
        work.cancel()
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
