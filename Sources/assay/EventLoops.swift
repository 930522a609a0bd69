import Foundation
import NIOCore

/// How many event-loop threads the process's shared NIO group runs: half the cores (at least
/// one), unless `NIO_SINGLETON_GROUP_LOOP_COUNT` says otherwise.
///
/// NIO's default is a loop for every core, beside the Swift task pool's thread for every core,
/// where Assay's handlers, jobs and database batches run; the loops only read and write sockets.
/// On two cores (with PostgreSQL on the same machine) the four threads took turns: one loop
/// served 5 to 22 % more submissions a second than two (`scripts/bench-postgres-cpu`, three
/// alternated pairs), on SQLite and PostgreSQL alike (`scripts/bench-compare`).
enum EventLoops {
    /// Call first thing in `main`, before anything uses the shared group: NIO takes the count once.
    static func useHalfTheCores() {
        guard ProcessInfo.processInfo.environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] == nil else { return }
        NIOSingletons.groupLoopCountSuggestion = count(cores: System.coreCount)
    }

    static func count(cores: Int) -> Int {
        max(1, cores / 2)
    }
}
