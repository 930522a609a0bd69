import AssayTestSupport
import Foundation
import Testing

/// The process helper itself: no end-to-end test may hang on a process, or lose what it printed.
@Suite("Child processes of the end-to-end tests", .timeLimit(.minutes(2)))
struct AssayProcessTests {
    static let shell = URL(fileURLWithPath: "/bin/sh")

    static func shell(_ script: String) throws -> AssayProcess {
        try AssayProcess(
            executable: shell, arguments: ["-c", script], environment: [:],
            workingDirectory: FileManager.default.temporaryDirectory)
    }

    @Test("a process that ignores SIGTERM is killed once stop's deadline has passed")
    func killedAtTheDeadline() async throws {
        let process = try Self.shell("trap '' TERM; echo ready; while true; do sleep 1; done")
        try await process.waitUntilPrinted("ready")
        let asked = ContinuousClock.now
        await #expect(throws: ProcessFailure.self) { try await process.stop(timeout: .seconds(1)) }
        #expect(try await process.exitStatus(timeout: .seconds(10)) == SIGKILL)
        #expect(ContinuousClock.now - asked < .seconds(10))
    }

    @Test("everything a process printed on standard output and error is there once it has exited")
    func wholeOutput() async throws {
        let process = try Self.shell(
            #"i=1; while [ $i -le 2000 ]; do echo "line $i"; i=$((i + 1)); done; echo "to stderr" >&2; exit 3"#
        )
        #expect(try await process.exitStatus() == 3)
        let lines = process.printed.split(separator: "\n")
        #expect(lines.count == 2001)
        #expect(lines.first == "line 1")
        #expect(lines.contains("line 2000"))
        #expect(lines.contains("to stderr"))
    }

    @Test("a process that leaves a child holding its output has exited when it exits")
    func childKeepsTheOutput() async throws {
        let process = try Self.shell("sleep 20 & echo started")
        #expect(try await process.exitStatus(timeout: .seconds(10)) == 0)
        #expect(process.printed == "started\n")
    }

    @Test("a signal sent while the process runs reaches it, and its exit status is the signal's number")
    func signalled() async throws {
        let process = try Self.shell("echo ready; while true; do sleep 1; done")
        try await process.waitUntilPrinted("ready")
        #expect(try await process.stop(signal: SIGUSR1) == SIGUSR1)
        #expect(!process.isRunning)
    }

    @Test("a program that is not there is an error at once")
    func missingProgram() throws {
        #expect(throws: ProcessFailure.self) {
            try AssayProcess(
                executable: URL(fileURLWithPath: "/nonexistent/assay"), arguments: [], environment: [:],
                workingDirectory: FileManager.default.temporaryDirectory)
        }
    }
}
