import Foundation
import NIOHTTP1
import ServiceBusEmulator
import Testing

/// The built `assay-servicebus-emulator`, run as a process: what it prints, and that its
/// connection string and fault switch work.
@Suite(.timeLimit(.minutes(1)))
struct EmulatorExecutableTests {
    /// The binary next to the test bundle (both are products of the same build).
    static var executableURL: URL {
        let buildDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            buildDirectory, Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL,
        ]
        return candidates.map { $0.appendingPathComponent("assay-servicebus-emulator") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
            ?? buildDirectory.appendingPathComponent("assay-servicebus-emulator")
    }

    @Test func printsThatItIsATestDoubleAndAConnectionStringThatWorks() async throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("servicebus-\(UUID()).out")
        #expect(FileManager.default.createFile(atPath: output.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = Self.executableURL
        process.arguments = ["--port", "0", "--queue", "jobs", "--key-name", "dev", "--key", "dev-key"]
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        defer { process.terminate() }
        var text = ""
        for _ in 0..<200 where !text.contains("UseDevelopmentEmulator=true") {
            try await Task.sleep(for: .milliseconds(50))
            text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        }
        #expect(text.contains("test double"))
        #expect(text.contains("not a broker"))
        let port = try #require(
            text.firstMatch(
                of: #/Endpoint=sb://127\.0\.0\.1:(\d+)/;SharedAccessKeyName=dev;SharedAccessKey=dev-key;/#
            )
            .flatMap { Int($0.1) })
        let emulator = ServiceBusEmulator(
            configuration: .init(port: port, keys: [EmulatorKey(name: "dev", key: "dev-key")]))
        let raw = RawRequests(emulator: emulator, port: port)
        let sent = try await raw.sendMessage("x", to: "jobs")
        #expect(sent.status == 201)
        let fault = try await raw.send(
            .POST, "/$emulator/faults", body: Data(#"{"fault":"unavailable","seconds":30}"#.utf8),
            authorization: .some(nil))
        #expect(fault.status == 204)
        let refused = try await raw.peekLock("jobs")
        #expect(refused.status == 503)
    }
}
