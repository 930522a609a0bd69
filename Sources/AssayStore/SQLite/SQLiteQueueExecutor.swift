import Dispatch

/// The executor of one SQLite connection's actor: a serial dispatch queue, so that the
/// connection's blocking calls never hold a thread of Swift's cooperative pool, and a
/// transaction's statements run one after another on one thread without a hop between them.
final class SQLiteQueueExecutor: SerialExecutor {
    private let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
