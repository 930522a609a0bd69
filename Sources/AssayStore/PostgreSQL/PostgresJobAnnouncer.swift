import JobQueue
import Logging
import PostgresNIO
import Synchronization

/// Tells every process's workers that jobs were enqueued: this process's at once, through its
/// ``JobNotifier``, and the others' with `pg_notify` on the jobs channel, sent after the enqueuing
/// transaction committed, as a statement of its own.
///
/// A `NOTIFY` inside the enqueuing transaction takes a database-wide lock from its commit until
/// the transaction ends, so every enqueuing commit waited for the one before it, WAL flush and
/// all, and concurrent submissions never shared a flush. A statement of its own writes no WAL and
/// holds that lock only for itself. Announcements are wake-ups, never the record: one that is lost
/// (the process ends first, or the database is away) costs the other processes' workers at most
/// their poll interval.
///
/// At most one announcement per queue is in flight; the ones asked for meanwhile are covered by a
/// single one after it. ``run()`` sends them until ``finish()``.
final class PostgresJobAnnouncer: Sendable {
    private struct State {
        var inFlight: Set<String> = []
        var askedAgain: Set<String> = []
    }

    private let notifier: JobNotifier
    private let send: @Sendable (String) async throws -> Void
    private let logger: Logger
    private let asked = AsyncStream<String>.makeStream()
    private let state = Mutex(State())

    /// `send` announces one queue to the other processes (`pg_notify` on the store's pool).
    init(notifier: JobNotifier, logger: Logger, send: @escaping @Sendable (String) async throws -> Void) {
        self.notifier = notifier
        self.logger = logger
        self.send = send
    }

    /// Wakes this process's workers of `queue` now, and the other processes' soon.
    func announce(queue: String) {
        notifier.notify(queue: queue)
        asked.continuation.yield(queue)
    }

    /// Sends the announcements asked for until ``finish()``; returns once the last has been sent.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await queue in asked.stream {
                let start = state.withLock { state in
                    guard !state.inFlight.contains(queue) else {
                        state.askedAgain.insert(queue)
                        return false
                    }
                    state.inFlight.insert(queue)
                    return true
                }
                if start { group.addTask { await self.sendUntilCovered(queue) } }
            }
        }
    }

    /// Ends ``run()`` once the announcements already asked for have been sent.
    func finish() {
        asked.continuation.finish()
    }

    private func sendUntilCovered(_ queue: String) async {
        repeat {
            do {
                try await send(queue)
            } catch {
                logger.debug(
                    "jobs not announced to other processes; their workers poll",
                    metadata: ["queue": .string(queue), "error": .string("\(error)")])
            }
        } while state.withLock { state in
            if state.askedAgain.remove(queue) != nil { return true }
            state.inFlight.remove(queue)
            return false
        }
    }
}
