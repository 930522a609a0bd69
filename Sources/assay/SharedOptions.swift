import ArgumentParser
import AssayServer
import AssayStore
import Foundation
import Logging

/// Options every command shares: where the `.env` file and the database are.
struct SharedOptions: ParsableArguments {
    @Option(help: "A file of KEY=VALUE lines read at start; the environment wins over it.")
    var envFile = ".env"

    @Option(help: "Overrides DATABASE_URL (sqlite://PATH or postgres://…).")
    var databaseURL: String?

    /// The configuration from the environment, `.env` and `overrides` (flags), or exit with one line.
    func configuration(overrides: [String: String?] = [:]) throws -> AssayConfiguration {
        do {
            var flags = overrides
            flags["DATABASE_URL"] = databaseURL
            let configuration = try AssayConfiguration.load(
                environment: ProcessInfo.processInfo.environment, dotEnvPath: envFile, overrides: flags)
            bootstrapLogging(level: configuration.logLevel, format: configuration.logFormat)
            // The metrics system, before anything records: every command's counts reach /metrics.
            _ = AssayMetrics.shared
            return configuration
        } catch {
            FileHandle.standardError.write(Data("assay: \(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func bootstrapLogging(level: Logger.Level, format: LogFormat) {
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = DeferredMetadataLogHandler(
                    wrapping: StreamLogHandler.standardError(label: label))
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }

    /// Opens the configured store quietly, runs `body` on it while the store runs, and closes it.
    func withStore(_ body: (any AssayStore, AssayConfiguration) async throws -> Void) async throws {
        let configuration = try configuration()
        var logger = Logger(label: "assay")
        logger.logLevel = .warning
        let store = try await AssayApplication.openStore(configuration: configuration, logger: logger)
        try await store.whileRunning { try await body(store, configuration) }
    }
}
