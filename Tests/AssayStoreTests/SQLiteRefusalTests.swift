import AssayCore
import AssayTestSupport
import Foundation
import Logging
import Testing

@testable import AssayStore

/// An SQLite database that refuses writes: read-only, full, or locked by another process.
@Suite("SQLite: a database that refuses writes", .timeLimit(.minutes(1)))
struct SQLiteRefusalTests {
    func withSQLite(_ body: (SQLiteStore, StoreFixture) async throws -> Void) async throws {
        try await StoreFixture.with(.sqlite) { fixture in
            try await body(try #require(fixture.store as? SQLiteStore), fixture)
        }
    }

    /// Which refusal `error` is, by name.
    func refusal(_ error: any Error) -> String {
        switch error as? StoreError {
        case .readOnly: "read-only"
        case .full: "full"
        case .busy: "busy"
        default: "other: \(error)"
        }
    }

    /// The refusal a submission insert meets, by name.
    func refusalOfInsert(_ submission: NewSubmission, in fixture: StoreFixture) async -> String {
        do {
            _ = try await fixture.store.insertSubmission(
                submission, job: fixture.scoringJob(for: submission.id))
            return "none"
        } catch {
            return refusal(error)
        }
    }

    /// The refusal ping reports, by name.
    func refusalOfPing(_ store: SQLiteStore) async -> String {
        do {
            try await store.ping()
            return "none"
        } catch {
            return refusal(error)
        }
    }

    @Test("a read-only database refuses writes as read-only, and ping says so until a write succeeds")
    func readOnly() async throws {
        try await withSQLite { store, fixture in
            try await store.pool.write("PRAGMA query_only = ON")
            #expect(await refusalOfInsert(fixture.newSubmission(), in: fixture) == "read-only")
            #expect(await refusalOfPing(store) == "read-only")
            try await store.pool.write("PRAGMA query_only = OFF")
            #expect(await refusalOfPing(store) == "none")
            #expect(await refusalOfInsert(fixture.newSubmission(), in: fixture) == "none")
        }
    }

    @Test("a full database refuses writes as full, and ping says so")
    func full() async throws {
        try await withSQLite { store, fixture in
            // No page beyond those the file has now.
            try await store.pool.write("PRAGMA max_page_count = 1")
            var big = fixture.newSubmission()
            big.content.answers = [
                Answer(
                    questionID: fixture.assessment.questions[0].id,
                    answer: .text(String(repeating: "x", count: 200_000)))
            ]
            #expect(await refusalOfInsert(big, in: fixture) == "full")
            #expect(await refusalOfPing(store) == "full")
        }
    }

    @Test("a database another process keeps locked past the busy timeout refuses writes as busy")
    func busy() async throws {
        try await withSQLite { store, fixture in
            try await store.pool.write("PRAGMA busy_timeout = 100")
            let other = try await SQLiteStore.open(
                path: fixture.database.directory.path("assay.sqlite"), migrate: false,
                logger: TestDatabase.quiet)
            let holding = Task {
                try await other.pool.transaction { _ in try await Task.sleep(for: .seconds(2)) }
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(await refusalOfInsert(fixture.newSubmission(), in: fixture) == "busy")
            #expect(await refusalOfPing(store) == "busy")
            try await holding.value
            try await other.close()
            #expect(await refusalOfInsert(fixture.newSubmission(), in: fixture) == "none")
        }
    }
}
