import Synchronization

/// The attempts a worker runs, with what it needs to keep and stop them: their leases and
/// deliveries (renewed together) and the tasks their handlers run in.
///
/// A task is held as an `UnsafeCurrentTask` and cancelled under the lock: it is alive while its
/// attempt is here, since the task itself removes the attempt before it ends.
final class RunningAttempts: Sendable {
    /// Why the worker stopped an attempt.
    enum Stop {
        case leaseLost
        case timedOut(Duration)
        case shutdown
    }

    private struct Attempt {
        var queue: String
        var delivery: JobDelivery?
        var task: HandlerTask
        var stop: Stop?
    }

    private let attempts = Mutex<[JobLease: Attempt]>([:])

    func add(_ attempt: JobAttempt, task: HandlerTask) {
        attempts.withLock {
            $0[attempt.lease] = Attempt(queue: attempt.job.queue, delivery: attempt.delivery, task: task)
        }
    }

    /// Forgets the attempt; tells why it was stopped, if it was.
    func remove(_ lease: JobLease) -> Stop? {
        attempts.withLock { $0.removeValue(forKey: lease)?.stop }
    }

    /// The leases of the attempts still running and not stopped.
    func leases() -> [JobLease] {
        attempts.withLock { $0.filter { $0.value.stop == nil }.map(\.key) }
    }

    /// The deliveries of the attempts still running and not stopped.
    func deliveries() -> [JobDelivery] {
        attempts.withLock { $0.values.filter { $0.stop == nil }.compactMap(\.delivery) }
    }

    func stop(_ leases: [JobLease], because stop: Stop) {
        cancel { attempts in leases.filter { attempts[$0]?.stop == nil }.map { ($0, stop) } }
    }

    func stopAll(in queue: String, because stop: Stop) {
        cancel { attempts in
            attempts.filter { $0.value.queue == queue && $0.value.stop == nil }.map { ($0.key, stop) }
        }
    }

    /// Marks the attempts `pick` chooses with their reason and cancels their tasks; under the lock,
    /// so that no task is cancelled once its attempt has been removed (it may be recording its
    /// result, or be gone).
    private func cancel(_ pick: ([JobLease: Attempt]) -> [(JobLease, Stop)]) {
        attempts.withLock { attempts in
            for (lease, stop) in pick(attempts) {
                attempts[lease]?.stop = stop
                attempts[lease]?.task.task.cancel()
            }
        }
    }
}

/// The task an attempt's handler runs in, held while the attempt is in ``RunningAttempts``.
///
/// Sendable by that rule: it is only cancelled under the lock, while its attempt is there, that is
/// while the task is alive.
struct HandlerTask: @unchecked Sendable {
    let task: UnsafeCurrentTask
}
