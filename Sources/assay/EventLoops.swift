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
    /// A value of `NIO_SINGLETON_GROUP_LOOP_COUNT` that is not a whole number from 1 to 1024 (NIO
    /// would quietly run a loop a core, or one) ends the start with one line naming it.
    static func useHalfTheCores() {
        guard let setting = ProcessInfo.processInfo.environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] else {
            NIOSingletons.groupLoopCountSuggestion = count(cores: System.coreCount)
            return
        }
        guard let loops = Int(setting), (1...1024).contains(loops) else {
            FileHandle.standardError.write(
                Data(
                    "assay: NIO_SINGLETON_GROUP_LOOP_COUNT: '\(setting)' is not a whole number from 1 to 1024\n"
                        .utf8))
            exit(2)
        }
    }

    static func count(cores: Int) -> Int {
        max(1, cores / 2)
    }
}
