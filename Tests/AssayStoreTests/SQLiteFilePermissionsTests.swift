import AssayCore
import AssayStore
import AssayTestSupport
import Foundation
import Testing

@Suite("SQLite files are the owner's alone")
struct SQLiteFilePermissionsTests {
    private static func mode(of path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    @Test("a new data folder is 0700, and the database with its -wal and -shm files 0600")
    func newFilesArePrivate() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("data/nested/assay.sqlite")
        let store = try await SQLiteStore.open(path: path, logger: TestDatabase.quiet)
        do {
            try await store.insertAssessment(Self.assessment, at: Date())
            #expect(try Self.mode(of: directory.path("data")) == 0o700)
            #expect(try Self.mode(of: directory.path("data/nested")) == 0o700)
            for file in [path, path + "-wal", path + "-shm"] {
                #expect(try Self.mode(of: file) == 0o600, "\(file)")
            }
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    @Test("an existing database file is opened as it is, its rows kept")
    func existingFileIsKept() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("assay.sqlite")
        let first = try await SQLiteStore.open(path: path, logger: TestDatabase.quiet)
        try await first.insertAssessment(Self.assessment, at: Date())
        try await first.close()
        let second = try await SQLiteStore.open(path: path, logger: TestDatabase.quiet)
        #expect(try await second.listAssessments(limit: 1, offset: 0).total == 1)
        try await second.close()
    }

    private static let assessment = Assessment(
        id: "private", title: "Private",
        questions: [Question(id: "q1", prompt: "?", points: 1, body: .shortText(accepted: ["a"]))])
}
