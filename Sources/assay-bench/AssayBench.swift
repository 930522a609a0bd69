import ArgumentParser

/// `assay-bench`: measurements you can rerun, printed as numbers.
@main
struct AssayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay-bench",
        abstract: "Benchmarks of a running Assay.",
        subcommands: [
            QueueBenchmark.self, QueueWorker.self, SubmitToReport.self, Fill.self, DrainWait.self,
            SubmissionsList.self,
        ]
    )
}
