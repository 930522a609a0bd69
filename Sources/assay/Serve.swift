import ArgumentParser
import AssayServer
import Foundation
import Hummingbird
import Logging
import NIOCore

/// `assay serve`: the HTTP API, with workers inside unless `--workers 0`.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the HTTP API (and, by default, run the workers).")

    @OptionGroup var shared: SharedOptions

    @Option(help: "Overrides HOST.")
    var host: String?

    @Option(help: "Overrides PORT.")
    var port: Int?

    @Option(
        help:
            "Jobs run at once per queue by workers in this process; 0 runs none (overrides WORKER_CONCURRENCY)."
    )
    var workers: Int?

    @Option(help: "Seconds running jobs get to finish after SIGTERM or SIGINT.")
    var graceSeconds: Int = 20

    func validate() throws {
        guard graceSeconds >= 0 else { throw ValidationError("--grace-seconds must be 0 or more") }
    }

    func run() async throws {
        let configuration = try shared.configuration(overrides: [
            "HOST": host, "PORT": port.map(String.init), "WORKER_CONCURRENCY": workers.map(String.init),
        ])
        let logger = Logger(label: "assay")
        let app = try await AssayApplication.build(
            configuration: configuration, gracePeriod: .seconds(graceSeconds), logger: logger)
        do {
            try await app.runService()
        } catch let error as IOError {
            // The server could not bind: the rest of the group has been cancelled and has ended.
            let reason = String(cString: strerror(error.errnoCode)).lowercased()
            FileHandle.standardError.write(
                Data("assay: cannot listen on \(configuration.host):\(configuration.port): \(reason)\n".utf8))
            throw ExitCode(1)
        }
    }
}
