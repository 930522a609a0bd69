import Synchronization

/// The attempts a worker runs, with what it needs to keep and stop them: their leases and
/// deliveries (renewed together) and the tasks their handlers run in.
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
        var task: Task<JobHandlerOutcome, any Error>
        var stop: Stop?
    }

    private let attempts = Mutex<[JobLease: Attempt]>([:])

    func add(_ attempt: JobAttempt, task: Task<JobHandlerOutcome, any Error>) {
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

    /// Marks the attempts `pick` chooses with their reason, then cancels their tasks.
    private func cancel(_ pick: ([JobLease: Attempt]) -> [(JobLease, Stop)]) {
        let tasks = attempts.withLock { attempts -> [Task<JobHandlerOutcome, any Error>] in
            pick(attempts).compactMap { lease, stop in
                attempts[lease]?.stop = stop
                return attempts[lease]?.task
            }
        }
        for task in tasks { task.cancel() }
    }
}
