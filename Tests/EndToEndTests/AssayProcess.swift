import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `assay` executable run as a real process, with its output captured.
final class AssayProcess: Sendable {
    private let process: Process
    /// The process's standard output and error go to this file: no reader thread, nothing lost at exit.
    private let outputFile: URL
    let arguments: [String]

    /// The `assay` binary next to the test bundle (both are products of the same build).
    static var executableURL: URL {
        let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            buildDirectory, Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
        ]
        return candidates.map { $0.appendingPathComponent("assay") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? buildDirectory.appendingPathComponent("assay")
    }

    /// The repository's root, where `Examples/` is.
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    init(arguments: [String], environment: [String: String], workingDirectory: URL) throws {
        self.arguments = arguments
        process = Process()
        process.executableURL = Self.executableURL
        process.arguments = arguments
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            .merging(environment) { _, new in new }
        process.currentDirectoryURL = workingDirectory
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "assay-output-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try handle.close()
    }

    /// Everything the process printed so far.
    var printed: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    var isRunning: Bool { process.isRunning }

    /// Waits for the port the server printed it listens on.
    func listeningPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = printed.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/), let port = Int(match.1)
            {
                return port
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessFailure(message: "assay did not start listening; it printed:\n\(printed)")
    }

    /// Sends `signal` and waits for the exit status, killing the process if it outlives `timeout`.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async throws -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw ProcessFailure(message: "assay did not exit within \(timeout) of signal \(signal)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    /// Waits for a process that exits by itself.
    func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw ProcessFailure(message: "assay did not exit") }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputFile)
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
