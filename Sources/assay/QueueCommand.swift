import ArgumentParser
import AssayCore
import AssayServer
import AssayStore
import Foundation
import JobQueue
import Logging
import ServiceBusQueue

/// `assay queue status`: the queues' numbers, straight from the database.
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue", abstract: "Inspect the job queues.", subcommands: [Status.self])

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts per queue and the workers alive.")

        @OptionGroup var shared: SharedOptions

        @Flag(help: "Print the JSON the admin endpoint answers.")
        var json = false

        func run() async throws {
            try await shared.withStore { store, configuration in
                try await printStatus(store: store, configuration: configuration)
            }
        }

        private func printStatus(store: any AssayStore, configuration: AssayConfiguration) async throws {
            // The broker's counts and the outbox's; the circuit lives in the publishing processes.
            let contributors: [any QueueStatusContributor] =
                try AssayApplication.serviceBusRuntime(configuration: configuration, store: store).map {
                    [ServiceBusStatusContributor(client: $0.quickClient, outbox: $0.outbox)]
                } ?? []
            let status = try await AssayApplication.queueStatus(
                store: store, queues: configuration.queues, mode: configuration.queueMode,
                backend: configuration.database.backendName, now: Date(), contributors: contributors)
            if json {
                print(String(decoding: try AssayJSON.encoder().encode(status), as: UTF8.self))
                return
            }
            let header = ["queue", "active", "scheduled", "running", "dead", "done/1h", "oldest(s)"]
            let rows = status.queues.keys.sorted().map { name -> [String] in
                let counts = status.queues[name]!
                return [
                    name, "\(counts.activeMessages)", "\(counts.scheduledMessages)",
                    "\(counts.runningMessages)",
                    "\(counts.deadLetterMessages)", "\(counts.completedLastHour)",
                    String(format: "%.1f", counts.oldestAvailableAgeSeconds),
                ]
            }
            print("mode: \(status.mode), backend: \(status.backend)")
            print(TextTable.render(header: header, rows: rows))
            for name in status.queues.keys.sorted() {
                for (section, extra) in status.queues[name]!.extras.sorted(by: { $0.key < $1.key }) {
                    print("\(name) \(section): \(Self.describe(extra))")
                }
            }
            let workerRows = status.workers.map { worker in
                [
                    worker.workerID, worker.queues.joined(separator: ","), "\(worker.processID)",
                    String(format: "%.1f", Date().timeIntervalSince(worker.lastSeenAt)),
                ]
            }
            print("\nworkers alive: \(status.workers.count)")
            if !workerRows.isEmpty {
                print(TextTable.render(header: ["worker", "queues", "pid", "seen(s ago)"], rows: workerRows))
            }
        }

        /// A backend's section in one line: its counts, its states, and why it is unavailable.
        private static func describe(_ extra: QueueStatusExtra) -> String {
            let pairs =
                extra.counts.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }
                + extra.states.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }
            return (pairs + (extra.unavailable.map { ["unavailable: \($0)"] } ?? [])).joined(separator: " ")
        }
    }
}
