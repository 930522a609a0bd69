import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import AssayStore

/// What the API answers when the SQLite database refuses writes, or too many writes wait.
@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct DatabaseRefusalRoutesTests {
    /// Runs `body` with an SQLite store of its own holding the sample assessment.
    func withSQLiteStore(
        maximumPendingWrites: Int = 4096, _ body: (SQLiteStore, TestDatabase) async throws -> Void
    ) async throws {
        let database = try await TestDatabase.create(.sqlite)
        let store = try await SQLiteStore.open(
            path: database.directory.path("assay.sqlite"), maximumPendingWrites: maximumPendingWrites,
            logger: TestDatabase.quiet)
        do {
            try await store.insertAssessment(try AssayFixture.sampleAssessment(), at: Date())
            try await body(store, database)
        } catch {
            try? await store.close()
            try? await database.drop()
            throw error
        }
        try await store.close()
        try await database.drop()
    }

    @Test func aReadOnlyDatabaseIs503DatabaseReadOnlyOnSubmitAndReady() async throws {
        try await withSQLiteStore { store, _ in
            try await store.pool.write("PRAGMA query_only = ON")
            try await AssayFixture.current().withApp(store: store) { client in
                let response = try await client.submit(SampleSubmissions.perfect)
                try expectError(response, status: .serviceUnavailable, code: "database_read_only")
                try await client.execute(uri: "/ready", method: .get) { response in
                    try expectError(response, status: .serviceUnavailable, code: "database_read_only")
                }
            }
        }
    }

    @Test func pastTheBoundASubmissionIs503OverloadedWithRetryAfterAtOnce() async throws {
        try await withSQLiteStore(maximumPendingWrites: 1) { store, database in
            // Another process holds the write lock for a second: the first batch waits for it.
            let other = try await SQLiteStore.open(
                path: database.directory.path("assay.sqlite"), migrate: false, logger: TestDatabase.quiet)
            let holding = Task {
                try await other.pool.transaction { _ in try await Task.sleep(for: .seconds(1)) }
            }
            try await Task.sleep(for: .milliseconds(200))
            let responses = try await AssayFixture.current().withApp(store: store) { client in
                try await withThrowingTaskGroup(of: (HTTPResponse.Status, String, String?).self) { group in
                    for _ in 0..<4 {
                        group.addTask {
                            let response = try await client.submit(SampleSubmissions.perfect)
                            return (response.status, response.text, response.headers[.retryAfter])
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            try await holding.value
            try await other.close()
            let refused = responses.filter { $0.0 == .serviceUnavailable }
            #expect(!refused.isEmpty, "\(responses)")
            for (_, body, retryAfter) in refused {
                #expect(body.contains(#""code":"overloaded""#))
                #expect(retryAfter == "1")
            }
            #expect(responses.allSatisfy { $0.0 == .ok || $0.0 == .serviceUnavailable }, "\(responses)")
            #expect(responses.contains { $0.0 == .ok }, "\(responses)")
        }
    }
}
