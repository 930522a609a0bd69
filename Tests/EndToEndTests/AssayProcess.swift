import AssayTestSupport
import Foundation
import Subprocess
import Synchronization
import SystemPackage

/// The built `assay` executable run as a real process, with its output captured.
///
/// Run by swift-subprocess, which spawns with its own `posix_spawn`/`clone3` and never through
/// Foundation's `Process` (whose `run()` now and then crashes on this Swift, 6.3.1:
/// swift-corelibs-foundation #5472). The process starts at once and is run by a task of its own;
/// the methods below watch it, signal it, and wait for it with a deadline. A process that
/// outlives a deadline of ``stop(signal:timeout:)``, or this object, is killed.
final class AssayProcess: Sendable {
    let arguments: [String]
    private let record: Record
    /// Signals to send, in order, while the process runs.
    private let signals: AsyncStream<Signal>.Continuation
    /// Runs the process to its end; cancelling it kills the process.
    private let runner: Task<Void, Never>

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

    /// Starts `executable` (the built `assay` unless told otherwise) in `workingDirectory`, with
    /// `environment` added to a bare one (`PATH` only), standard input empty, and standard output
    /// and error captured together. Throws when `executable` is not an executable file.
    init(
        executable: URL = AssayProcess.executableURL, arguments: [String], environment: [String: String],
        workingDirectory: URL
    ) throws {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ProcessFailure(message: "\(executable.path) is not an executable file")
        }
        self.arguments = arguments
        let variables = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            .merging(environment) { _, new in new }
        let configuration = Configuration(
            executable: .path(FilePath(executable.path)), arguments: Arguments(arguments),
            environment: .custom(
                Dictionary(
                    uniqueKeysWithValues: variables.map { (Environment.Key(stringLiteral: $0.key), $0.value) }
                )),
            workingDirectory: FilePath(workingDirectory.path))
        let (requested, signals) = AsyncStream.makeStream(of: Signal.self)
        let record = Record()
        self.record = record
        self.signals = signals
        runner = Task {
            do {
                let result = try await run(
                    configuration, input: .none, output: .sequence, error: .combinedWithOutput
                ) { execution in
                    record.processID = execution.processIdentifier.value
                    await withDiscardingTaskGroup { group in
                        group.addTask {
                            for await signal in requested { try? execution.send(signal: signal) }
                        }
                        // The output ends when the process has ended, even if a child of its own
                        // still holds it (scripts/postgres leaves the server running).
                        do {
                            for try await buffer in execution.standardOutput {
                                buffer.withUnsafeBytes { record.append($0) }
                            }
                        } catch {
                            record.append(Array("\n[the rest of the output was lost: \(error)]\n".utf8))
                        }
                        group.cancelAll()
                    }
                }
                let exit: Int32 =
                    switch result.terminationStatus {
                    case .exited(let code): code
                    case .signaled(let signal): signal
                    }
                record.finish(.exited(exit))
            } catch {
                record.finish(.failed("could not run \(executable.path): \(error)"))
            }
            signals.finish()
        }
    }

    /// Everything the process printed so far.
    var printed: String { record.printed }

    var isRunning: Bool { record.end == nil }

    /// The names of the process's threads (Linux's `/proc`), once it has started.
    func threadNames() throws -> [String] {
        guard let processID = record.processID else { return [] }
        let tasks = "/proc/\(processID)/task"
        return try FileManager.default.contentsOfDirectory(atPath: tasks).map {
            try String(contentsOfFile: "\(tasks)/\($0)/comm", encoding: .utf8)
                .trimmingCharacters(in: .newlines)
        }
    }

    /// The exit status once the process has ended; throws if it could not be run.
    private func exitStatusIfEnded() throws -> Int32? {
        switch record.end {
        case nil: return nil
        case .exited(let status): return status
        case .failed(let message): throw ProcessFailure(message: message)
        }
    }

    /// Waits until the process has printed `text`; for a worker, "worker started" says its signal
    /// handling is in place (a SIGTERM before that ends it as the signal's default does).
    func waitUntilPrinted(_ text: String, timeout: Duration = .seconds(60)) async throws {
        let seen = try await eventually(timeout: timeout) { printed.contains(text) || !isRunning }
        guard seen, printed.contains(text) else {
            throw ProcessFailure(message: "assay did not print '\(text)'; it printed:\n\(printed)")
        }
    }

    /// Waits for the port the server printed it listens on.
    func listeningPort(timeout: Duration = .seconds(60)) async throws -> Int {
        func port() -> Int? {
            printed.firstMatch(of: /listening on 127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }
        }
        _ = try await eventually(timeout: timeout) { port() != nil || !isRunning }
        guard let port = port() else {
            throw ProcessFailure(message: "assay did not start listening; it printed:\n\(printed)")
        }
        return port
    }

    /// Sends `signal` and waits for the exit status, killing the process if it outlives `timeout`.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async throws -> Int32 {
        signals.yield(Signal(rawValue: signal))
        do {
            return try await exitStatus(timeout: timeout)
        } catch {
            runner.cancel()
            throw ProcessFailure(message: "assay did not exit within \(timeout) of signal \(signal)")
        }
    }

    /// Waits for a process that exits by itself.
    func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        _ = try await eventually(timeout: timeout) { try exitStatusIfEnded() != nil }
        guard let status = try exitStatusIfEnded() else {
            throw ProcessFailure(
                message: "\(arguments.joined(separator: " ")) did not exit within \(timeout)")
        }
        return status
    }

    deinit {
        runner.cancel()
    }

    /// What a process printed, and how it ended, as its runner records them.
    private final class Record: Sendable {
        enum End {
            /// The exit status, or the number of the signal that ended it.
            case exited(Int32)
            /// Why the process could not be started or watched.
            case failed(String)
        }

        private struct State {
            /// Standard output and error, interleaved as the process wrote them.
            var output: [UInt8] = []
            var end: End?
            var processID: Int32?
        }

        private let state = Mutex(State())

        var printed: String { state.withLock { String(decoding: $0.output, as: UTF8.self) } }

        var end: End? { state.withLock { $0.end } }

        var processID: Int32? {
            get { state.withLock { $0.processID } }
            set { state.withLock { $0.processID = newValue } }
        }

        func append(_ bytes: some Sequence<UInt8>) { state.withLock { $0.output += bytes } }

        func finish(_ end: End) { state.withLock { $0.end = end } }
    }
}
