import ArgumentParser

/// The `assay` command: serve the API, run workers, migrate the database.
@main
struct Assay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay",
        abstract: "Assay: submit assessments, score them, store reports; a job queue that never loses a job.",
        subcommands: [Serve.self, Worker.self, Migrate.self, QueueCommand.self, DeadLettersCommand.self]
    )
}
