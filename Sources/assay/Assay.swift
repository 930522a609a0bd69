import ArgumentParser

/// The `assay` command: serve the API, run workers, migrate the database.
@main
struct Assay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay",
        abstract: "Assay: submit assessments, score them, store reports; a job queue that never loses a job.",
        subcommands: [Serve.self, Worker.self, Migrate.self, QueueCommand.self, DeadLettersCommand.self]
    )

    /// ArgumentParser's `main`, with the event-loop count and the worker's allocator set while the
    /// main thread is the only one.
    static func main() async {
        EventLoops.useHalfTheCores()
        do {
            var command = try parseAsRoot()
            if command is Worker { MallocArenas.useOne() }
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
