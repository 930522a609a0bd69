import AssayServer
import AssayStore
import Foundation
import Logging
import Testing

@Suite("Opening an SQLite store that cannot be opened")
struct SQLiteStoreOpeningTests {
    private func refusal(databaseURL: String) async throws -> ConfigurationError? {
        let configuration = try AssayConfiguration(environment: ["DATABASE_URL": databaseURL])
        do {
            let store = try await AssayApplication.openStore(
                configuration: configuration, logger: Logger(label: "test"))
            try await store.close()
            return nil
        } catch let error as ConfigurationError {
            return error
        }
    }

    @Test("a folder that cannot be created names DATABASE_URL, the path and the system's reason")
    func folderCannotBeCreated() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "not-a-folder-\(UUID().uuidString)")
        try Data().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let path = file.appendingPathComponent("data/assay.sqlite").path
        let error = try #require(try await refusal(databaseURL: "sqlite://\(path)"))
        #expect(error.variable == "DATABASE_URL")
        #expect(error.message == "cannot open the SQLite database at \(path): Not a directory")
    }

    @Test("a file that is not a database names DATABASE_URL and SQLite's reason")
    func notADatabase() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("assay.sqlite").path
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        let error = try #require(try await refusal(databaseURL: "sqlite://\(path)"))
        #expect(error.variable == "DATABASE_URL")
        #expect(error.message.hasPrefix("cannot open the SQLite database at \(path): "))
        #expect(error.message.contains("not a database"))
    }
}
