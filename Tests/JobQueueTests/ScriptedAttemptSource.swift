import Foundation
import JobQueue
import Synchronization

/// An attempt source that plays a broker: it delivers the jobs it is given by id, claims each with
/// ``JobQueueDriver/claimJob(id:attempt:owner:leaseDuration:)``, and records what the worker
/// renews and settles, with the job's state in the database at the moment of settling.
final class ScriptedAttemptSource: JobAttemptSource {
    struct Settled: Equatable {
        var delivery: JobDelivery
        var settlement: JobAttemptSettlement
        /// The job's state in the database when the worker settled its delivery.
        var stateThen: JobState?
        /// Whether the task that settled it was cancelled.
        var fromCancelledTask = false
    }

    private struct Pending {
        var jobID: String
        var attempt: Int
        var delivery: JobDelivery
    }

    private struct State {
        var pending: [Pending] = []
        var renewed: [JobDelivery] = []
        var settled: [Settled] = []
    }

    let driver: any JobQueueDriver
    private let state = Mutex(State())

    init(driver: any JobQueueDriver) {
        self.driver = driver
    }

    /// Queues a delivery of the job for the attempt count it had when sent; returns the delivery.
    @discardableResult
    func deliver(jobID: String, attempt: Int = 0) -> JobDelivery {
        let delivery = JobDelivery(messageID: "\(jobID):\(attempt)", lockToken: UUID().uuidString)
        state.withLock { $0.pending.append(Pending(jobID: jobID, attempt: attempt, delivery: delivery)) }
        return delivery
    }

    var renewed: [JobDelivery] { state.withLock { $0.renewed } }
    var settled: [Settled] { state.withLock { $0.settled } }

    func nextAttempts(queue: String, limit: Int, owner: String, leaseDuration: Duration) async throws
        -> [JobAttempt]
    {
        let taken = state.withLock { state in
            let taken = Array(state.pending.prefix(limit))
            state.pending.removeFirst(taken.count)
            return taken
        }
        var attempts: [JobAttempt] = []
        for pending in taken {
            let job = try await driver.claimJob(
                id: pending.jobID, attempt: pending.attempt, owner: owner, leaseDuration: leaseDuration)
            if let job, let lease = job.lease {
                attempts.append(JobAttempt(job: job, lease: lease, delivery: pending.delivery))
            } else {
                try await settle(pending.delivery, as: .skipped)
            }
        }
        return attempts
    }

    func renew(_ deliveries: [JobDelivery]) async throws {
        state.withLock { $0.renewed += deliveries }
    }

    func settle(_ delivery: JobDelivery, as settlement: JobAttemptSettlement) async throws {
        let jobID = String(delivery.messageID.prefix { $0 != ":" })
        let cancelled = Task.isCancelled
        let stateThen = try await driver.job(id: jobID)?.state
        state.withLock {
            $0.settled.append(
                Settled(
                    delivery: delivery, settlement: settlement, stateThen: stateThen,
                    fromCancelledTask: cancelled))
        }
    }
}
