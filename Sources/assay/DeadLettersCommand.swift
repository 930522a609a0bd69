import ArgumentParser
import AssayCore
import AssayServer
import AssayStore
import Foundation
import JobQueue

/// `assay dlq`: list, show, retry and discard dead jobs.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Operate on dead jobs (the dead-letter queue).",
        subcommands: [List.self, Show.self, Retry.self, Discard.self])

    static func checkQueue(_ queue: String?, configuration: AssayServer.AssayConfiguration) throws {
        if let queue, !configuration.queues.contains(queue) {
            throw CommandFailure("--queue takes \(configuration.queues.joined(separator: " or "))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List dead jobs, most recently failed first.")
        @OptionGroup var shared: SharedOptions
        @Option(help: "Only this queue.") var queue: String?
        @Option(help: "At most this many.") var limit = 50

        func run() async throws {
            try await shared.withStore { store, configuration in
                try checkQueue(queue, configuration: configuration)
                let page = try await store.jobs.deadJobs(queue: queue, limit: max(1, limit), offset: 0)
                let rows = page.jobs.map { job in
                    [
                        job.id, job.queue, job.kind, "\(job.attempt)/\(job.maxAttempts)",
                        String((job.errors.last?.message ?? "").prefix(60)),
                    ]
                }
                print(
                    TextTable.render(header: ["job", "queue", "kind", "attempts", "last error"], rows: rows))
                print("\(page.jobs.count) of \(page.total) dead jobs")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one dead job with its whole history, as JSON.")
        @OptionGroup var shared: SharedOptions
        @Argument(help: "The job id.") var id: String

        func run() async throws {
            try await shared.withStore { store, _ in
                guard let job = try await store.jobs.job(id: id), job.state == .dead else {
                    throw CommandFailure("no dead job has id '\(id)'")
                }
                print(String(decoding: try AssayJSON.encoder().encode(JobResponse(job)), as: UTF8.self))
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a dead job (or all of them) fresh attempts; its history is kept.")
        @OptionGroup var shared: SharedOptions
        @Argument(help: "The job id.") var id: String?
        @Flag(help: "Retry every dead job (of --queue, if given).") var all = false
        @Option(help: "With --all: only this queue.") var queue: String?

        func validate() throws {
            guard (id != nil) != all else { throw ValidationError("give a job id or --all, not both") }
            guard queue == nil || all else { throw ValidationError("--queue goes with --all") }
        }

        func run() async throws {
            try await shared.withStore { store, configuration in
                if let id {
                    guard try await store.jobs.retryDeadJob(id: id) != nil else {
                        throw CommandFailure("no dead job has id '\(id)'")
                    }
                    print("retried \(id)")
                } else {
                    try checkQueue(queue, configuration: configuration)
                    print("retried \(try await store.jobs.retryDeadJobs(queue: queue)) dead jobs")
                }
            }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a dead job for good.")
        @OptionGroup var shared: SharedOptions
        @Argument(help: "The job id.") var id: String

        func run() async throws {
            try await shared.withStore { store, _ in
                guard try await store.jobs.discardDeadJob(id: id) else {
                    throw CommandFailure("no dead job has id '\(id)'")
                }
                print("discarded \(id)")
            }
        }
    }
}
