import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `assay` executable run as a real process, with its output captured.
///
/// The exit is learnt from the process's termination handler, never from `waitUntilExit()`, which
/// spins a run loop on the calling thread and can park a thread of the test's pool for good.
final class AssayProcess: Sendable {
    private let process: Process
    /// The exit status, once the termination handler has run.
    private let exit = ExitStatus()
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

    /// Starts `executable` (the built `assay` unless told otherwise) with `environment` added to
    /// a bare one (`PATH` only).
    init(
        executable: URL = AssayProcess.executableURL, arguments: [String], environment: [String: String],
        workingDirectory: URL
    ) throws {
        self.arguments = arguments
        process = Process()
        let exit = exit
        process.terminationHandler = { ended in exit.set(ended.terminationStatus) }
        process.executableURL = executable
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

    var isRunning: Bool { exit.value == nil }

    /// Waits for the port the server printed it listens on.
    func listeningPort(timeout: Duration = .seconds(60)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let match = printed.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/), let port = Int(match.1)
            {
                return port
            }
            guard isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessFailure(message: "assay did not start listening; it printed:\n\(printed)")
    }

    /// Sends `signal` and waits for the exit status, killing the process if it outlives `timeout`.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async throws -> Int32 {
        if isRunning { kill(process.processIdentifier, signal) }
        do {
            return try await exitStatus(timeout: timeout)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            throw ProcessFailure(message: "assay did not exit within \(timeout) of signal \(signal)")
        }
    }

    /// Waits for a process that exits by itself.
    func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exit.value { return status }
            guard ContinuousClock.now < deadline else {
                throw ProcessFailure(message: "\(arguments.joined(separator: " ")) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    deinit {
        if isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputFile)
    }
}

/// A process's exit status, set by its termination handler.
private final class ExitStatus: Sendable {
    private let status = Mutex<Int32?>(nil)
    var value: Int32? { status.withLock { $0 } }
    func set(_ value: Int32) { status.withLock { $0 = value } }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
