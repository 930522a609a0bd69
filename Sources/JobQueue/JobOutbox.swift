/// The jobs table seen as an outbox: jobs whose current attempt has not been published to a broker
/// yet, held by one relay at a time while it sends them, and marked published once the broker has
/// accepted them.
///
/// A job is *unpublished* while it is `available` or `scheduled` and no message was accepted for
/// its current attempt. Publishing pushes the job's run-at back by a reclaim window, so that
/// database workers leave it to the broker until then; when no broker worker claimed it by then
/// (the broker unreachable for receive, or Service Bus turned off), database workers take it as
/// they take any due job, and its late message finds it done.
///
/// A hold keeps database workers off the job (``JobQueueDriver/claimNextJobs(queue:limit:owner:leaseDuration:overdueBy:)``
/// skips it) but not a broker's delivery: ``JobQueueDriver/claimJob(id:attempt:owner:leaseDuration:)``
/// takes a held job, since its message may arrive before the relay marks it, and any claim ends the
/// hold. A relay that crashes holding jobs loses its hold when the hold runs out.
///
/// Every method is safe with many relays at once: a job is held by at most one.
public protocol JobOutbox: Sendable {
    /// Holds up to `limit` unpublished jobs of `queue` for `owner` until `hold` from now, oldest
    /// run-at first, whatever their run-at; jobs held by another relay whose hold has not run out
    /// are skipped.
    func holdUnpublished(queue: String, limit: Int, owner: String, hold: Duration) async throws
        -> [OutboxEntry]

    /// Marks the jobs published for the attempt of each entry, in one statement, where `owner`
    /// still holds them and they are still unpublished at that attempt (a database worker did not
    /// take them meanwhile); each marked job's run-at becomes the later of its run-at and now, plus
    /// `reclaimAfter`. Returns the ids of the jobs marked.
    func markPublished(_ entries: [OutboxEntry], owner: String, reclaimAfter: Duration) async throws
        -> Set<String>

    /// Lets go of held jobs that could not be sent, so that another relay, or a database worker
    /// once the fallback window passed, can take them at once. Jobs `owner` no longer holds are
    /// left as they are.
    func releaseHeld(_ entries: [OutboxEntry], owner: String) async throws

    /// The number of unpublished jobs of each of `queues`, held or not; 0 for a queue with none.
    func unpublishedCounts(queues: [String]) async throws -> [String: Int]

    /// Makes the job dead because the broker dead-lettered the message of its attempt `attempt`,
    /// with `message` added to its error history, in one conditional statement; returns the dead job,
    /// or `nil`, changing nothing, when the message is stale.
    ///
    /// The job still waits for that message when ``JobQueueDriver/claimJob(id:attempt:owner:leaseDuration:)``
    /// would take it for the message: available or scheduled at `attempt`, or running under an
    /// expired lease at `attempt` or `attempt + 1` (a delivery started that attempt and its worker
    /// crashed). A job that is unknown, completed, dead, running under a live lease, or at another
    /// attempt, is left as it is. A dead job is claimed by no worker until an admin retries it.
    func markDeadLettered(jobID: String, attempt: Int, message: String) async throws -> Job?
}
