import Synchronization

/// The attempts a worker runs, with what it needs to stop them: their leases (renewed together)
/// and the tasks their handlers run in.
final class RunningAttempts: Sendable {
    /// Why the worker stopped an attempt.
    enum Stop {
        case leaseLost
        case timedOut(Duration)
        case shutdown
    }

    private struct Attempt {
        var queue: String
        var task: Task<Void, any Error>
        var stop: Stop?
    }

    private let attempts = Mutex<[JobLease: Attempt]>([:])

    func add(_ lease: JobLease, queue: String, task: Task<Void, any Error>) {
        attempts.withLock { $0[lease] = Attempt(queue: queue, task: task) }
    }

    /// Forgets the attempt; tells why it was stopped, if it was.
    func remove(_ lease: JobLease) -> Stop? {
        attempts.withLock { $0.removeValue(forKey: lease)?.stop }
    }

    /// The leases of the attempts still running and not stopped.
    func leases() -> [JobLease] {
        attempts.withLock { $0.filter { $0.value.stop == nil }.map(\.key) }
    }

    func stop(_ leases: [JobLease], because stop: Stop) {
        cancel { attempts in leases.filter { attempts[$0]?.stop == nil }.map { ($0, stop) } }
    }

    func stopAll(in queue: String, because stop: Stop) {
        cancel { attempts in
            attempts.filter { $0.value.queue == queue && $0.value.stop == nil }.map { ($0.key, stop) }
        }
    }

    /// Marks the attempts `pick` chooses with their reason, then cancels their tasks.
    private func cancel(_ pick: ([JobLease: Attempt]) -> [(JobLease, Stop)]) {
        let tasks = attempts.withLock { attempts -> [Task<Void, any Error>] in
            pick(attempts).compactMap { lease, stop in
                attempts[lease]?.stop = stop
                return attempts[lease]?.task
            }
        }
        for task in tasks { task.cancel() }
    }
}
