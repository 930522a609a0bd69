import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The built `assay` executable run as a real process, with its output captured.
///
/// Started with `posix_spawn` and reaped with `waitpid`, not with Foundation's `Process`: on this
/// Swift (6.3.1) `Process.run()` now and then crashes reading `/proc/self/fd` (a buffer over-read,
/// swift-corelibs-foundation #5472), and `waitUntilExit()` can park a thread of the test's pool.
final class AssayProcess: Sendable {
    let processIdentifier: pid_t
    /// The exit status once the process has been reaped.
    private let exit = Mutex<Int32?>(nil)
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
        outputFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "assay-output-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        let variables = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
            .merging(environment) { _, new in new }
        processIdentifier = try Self.spawn(
            executable.path, arguments: [executable.path] + arguments,
            environment: variables.map { "\($0.key)=\($0.value)" }, directory: workingDirectory.path,
            output: outputFile.path)
    }

    /// `posix_spawn` with standard input from /dev/null, standard output and error to `output`, no
    /// other descriptor of this process, every signal at its default and none blocked.
    private static func spawn(
        _ path: String, arguments: [String], environment: [String], directory: String, output: String
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard Self.closeFrom(&actions, 3) == 0, Self.changeDirectory(&actions, directory) == 0 else {
            throw ProcessFailure(message: "could not prepare the start of \(path)")
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ProcessFailure(message: "could not start \(path): \(String(cString: strerror(result)))")
        }
        return pid
    }

    // glibc's posix_spawn_file_actions_addclosefrom_np and _addchdir_np (2.34 and 2.29), which
    // Swift's Glibc module does not declare.
    private typealias CloseFrom =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32)
        -> Int32
    private typealias ChangeDirectory =
        @convention(c) (
            UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
        ) -> Int32
    private static let closeFrom = unsafeBitCast(
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"),
        to: CloseFrom.self)
    private static let changeDirectory = unsafeBitCast(
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np"),
        to: ChangeDirectory.self)

    /// The exit status (or the number of the signal that ended it) once the process has ended.
    private var status: Int32? {
        exit.withLock { exit in
            if let exit { return exit }
            var status: Int32 = 0
            guard waitpid(processIdentifier, &status, WNOHANG) == processIdentifier else { return nil }
            let signal = status & 0x7f
            exit = signal == 0 ? (status >> 8) & 0xff : signal
            return exit
        }
    }

    /// Everything the process printed so far.
    var printed: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }

    var isRunning: Bool { status == nil }

    /// Waits until the process has printed `text`; for a worker, "worker started" says its signal
    /// handling is in place (a SIGTERM before that ends it as the signal's default does).
    func waitUntilPrinted(_ text: String, timeout: Duration = .seconds(60)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !printed.contains(text) {
            guard ContinuousClock.now < deadline, isRunning else {
                throw ProcessFailure(message: "assay did not print '\(text)'; it printed:\n\(printed)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

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
        if isRunning { kill(processIdentifier, signal) }
        do {
            return try await exitStatus(timeout: timeout)
        } catch {
            kill(processIdentifier, SIGKILL)
            throw ProcessFailure(message: "assay did not exit within \(timeout) of signal \(signal)")
        }
    }

    /// Waits for a process that exits by itself.
    func exitStatus(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status { return status }
            guard ContinuousClock.now < deadline else {
                throw ProcessFailure(
                    message: "\(arguments.joined(separator: " ")) did not exit within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    deinit {
        if isRunning {
            kill(processIdentifier, SIGKILL)
            _ = waitpid(processIdentifier, nil, 0)
        }
        try? FileManager.default.removeItem(at: outputFile)
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
