import Synchronization

/// Hands the jobs this process enqueues straight to this process's worker, so that they need no
/// claim: the enqueuer reserves a slot of the worker's queue, stores its job running under the
/// worker's lease (``JobRequest/leasedTo``) and, once its transaction has committed, hands the job
/// over; the worker runs it as it runs a job it claimed.
///
/// ```swift
/// let handoff = JobHandoff()
/// let worker = JobWorker(driver: driver, handoff: handoff, handlers: handlers, options: options, logger: logger)
/// // Enqueuing:
/// let reservation = handoff.reserve(queue: "scoring-jobs")
/// request.leasedTo = reservation?.lease
/// let result = try await driver.enqueue(request)   // on failure: reservation?.cancel()
/// if result.inserted { reservation?.hand(result.job) } else { reservation?.cancel() }
/// ```
///
/// A queue takes reservations only while its worker has a slot free and either found the queue
/// empty at its last claim, with no job announced since, or is claiming (for the slots the claim
/// leaves): a job waiting in the database is never left waiting for a newer one handed over. A
/// reservation holds its slot until the job is handed over or the reservation cancelled, each
/// exactly once. A job stored under the lease but never handed over
/// (the commit's answer was lost, the process died) is claimed again once its lease lapses.
public final class JobHandoff: Sendable {
    private let queues = Mutex<[String: QueueSlots]>([:])

    public init() {}

    /// A slot of `queue`'s worker for one job, or `nil` when the worker cannot take one now: the
    /// job is then stored for a claim, as usual.
    public func reserve(queue: String) -> JobHandoffReservation? {
        guard let slots = queues.withLock({ $0[queue] }), let lease = slots.reserve() else { return nil }
        return JobHandoffReservation(lease: lease, slots: slots)
    }

    /// Called by a worker's queue loop as it starts: the queue takes reservations from now on.
    func open(_ slots: QueueSlots, queue: String) {
        slots.setOpen(true)
        queues.withLock { $0[queue] = slots }
    }

    /// Called by a worker's queue loop as it stops: the queue takes no more reservations.
    func close(queue: String) {
        let slots = queues.withLock { $0.removeValue(forKey: queue) }
        slots?.setOpen(false)
    }
}

/// A slot of a worker's queue, reserved for one job its enqueuer stores under ``lease``: end it
/// with ``hand(_:)`` once the job is stored, or ``cancel()`` when it was not.
public struct JobHandoffReservation: Sendable {
    /// The lease to store the job under.
    public let lease: JobRequest.Lease
    fileprivate let slots: QueueSlots

    /// Gives the worker the job stored under ``lease`` (its transaction committed) to run.
    public func hand(_ job: Job) {
        guard let lease = job.lease else {
            slots.cancel()
            return
        }
        slots.hand(JobAttempt(job: job, lease: lease))
    }

    /// Gives the slot back: no job was stored under ``lease``.
    public func cancel() { slots.cancel() }
}

/// The slots of one queue loop of a worker: how many jobs it runs or has reserved, the attempts
/// handed over and not started yet, and what the loop knows of the queue in the database.
final class QueueSlots: Sendable {
    private struct State {
        var taken = 0
        var handed: [JobAttempt] = []
        /// The loop's last claim found the queue empty, and no job was announced since.
        var drained = false
        /// The slots the claim under way may fill; 0 when none is.
        var claiming = 0
        /// Whether the worker's ``JobHandoff`` takes reservations for this queue.
        var open = false
    }

    let concurrency: Int
    private let lease: JobRequest.Lease
    private let signal: WakeSignal
    private let state = Mutex(State())

    init(concurrency: Int, lease: JobRequest.Lease, signal: WakeSignal) {
        self.concurrency = concurrency
        self.lease = lease
        self.signal = signal
    }

    /// Jobs running, handed over or reserved.
    var taken: Int { state.withLock { $0.taken } }

    var isDrained: Bool { state.withLock { $0.drained } }

    /// The queue may hold claimable jobs: no reservation until a claim starts.
    func mayHaveWork() {
        state.withLock { $0.drained = false }
    }

    /// Starts a claim; returns the slots it may fill: every slot free, or half of them (rounded up)
    /// while jobs are handed over, so that jobs stored meanwhile are handed over too instead of
    /// being announced for the next claim. While it is under way, reservations take only the slots
    /// it leaves.
    func beginClaim() -> Int {
        state.withLock { state in
            let free = concurrency - state.taken
            state.claiming = state.open ? free - free / 2 : free
            return state.claiming
        }
    }

    /// Ends the claim under way, which took `count` jobs; `drained` when it found the queue empty.
    func endClaim(took count: Int, drained: Bool) {
        state.withLock { state in
            state.taken += count
            state.claiming = 0
            state.drained = drained
        }
    }

    /// A job of this loop ended.
    func finished() {
        state.withLock { $0.taken -= 1 }
        signal.nudge()
    }

    /// A slot for one job, while the queue was found empty or a claim is under way, and one is left;
    /// none once a job was announced that the loop has not started claiming yet.
    func reserve() -> JobRequest.Lease? {
        state.withLock { state in
            guard state.open, state.drained || state.claiming > 0, !signal.hasNewWork,
                state.taken + state.claiming < concurrency
            else { return nil }
            state.taken += 1
            return lease
        }
    }

    func hand(_ attempt: JobAttempt) {
        state.withLock { $0.handed.append(attempt) }
        signal.nudge()
    }

    func cancel() {
        state.withLock { $0.taken -= 1 }
        signal.nudge()
    }

    /// The attempts handed over since the last call; their slots are taken already.
    func takeHanded() -> [JobAttempt] {
        state.withLock { state in
            defer { state.handed.removeAll() }
            return state.handed
        }
    }

    /// Takes reservations from now on, or (`false`) no more.
    func setOpen(_ open: Bool) {
        state.withLock { $0.open = open }
    }
}
