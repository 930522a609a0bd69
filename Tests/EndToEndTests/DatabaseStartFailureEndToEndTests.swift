import AssayTestSupport
import Foundation
import Testing

/// A start whose PostgreSQL server never answers ends: non-zero, after `DATABASE_WAIT_SECONDS`,
/// saying in one line which variable to fix.
@Suite("a start whose database never answers, end to end", .timeLimit(.minutes(3)))
struct DatabaseStartFailureEndToEndTests {
    @Test("migrate against a server that accepts and never answers exits non-zero, naming DATABASE_URL")
    func silentServer() async throws {
        // A listening socket that nobody reads: the connection opens, PostgreSQL's greeting never comes.
        let silent = try ServeStartFailureEndToEndTests.TakenPort()
        let sandbox = try await ServeEndToEndTests.Sandbox()
        defer { sandbox.remove() }
        let migrate = try AssayProcess(
            arguments: ["migrate"],
            environment: sandbox.environment.merging([
                "DATABASE_URL": "postgres://assay:secret@127.0.0.1:\(silent.port)/assay",
                "DATABASE_WAIT_SECONDS": "2",
            ]) { $1 },
            workingDirectory: sandbox.directory)
        let status = try await migrate.exitStatus(timeout: .seconds(60))
        #expect(status != 0)
        let named = migrate.printed.split(separator: "\n").filter {
            $0.contains(
                "DATABASE_URL: the database is unavailable: no answer from 127.0.0.1:\(silent.port) in 2 s")
        }
        #expect(named.count == 1, "migrate printed:\n\(migrate.printed)")
        #expect(!migrate.printed.contains("secret"), "migrate printed:\n\(migrate.printed)")
    }
}
