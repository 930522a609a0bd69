import ArgumentParser
import AssayServer
import AssayStore
import Logging

/// `assay migrate`: applies the database migrations and exits.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations and exit.")

    @OptionGroup var shared: SharedOptions

    func run() async throws {
        let configuration = try shared.configuration()
        let store = try await AssayApplication.openStore(
            configuration: configuration, logger: Logger(label: "assay"))
        try await store.close()
        print("database is up to date")
    }
}
