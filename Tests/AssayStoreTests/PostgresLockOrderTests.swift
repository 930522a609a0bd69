import AssayTestSupport
import Foundation
import JobQueue
import PostgresNIO
import Synchronization
import Testing

@testable import AssayStore

/// Batched statements that update many `jobs` rows at once lock them in one order, so they never
/// deadlock one another.
@Suite("PostgreSQL: the lock order of batched job updates", .timeLimit(.minutes(2)))
struct PostgresLockOrderTests {
    /// Jobs a round claims, renews and completes.
    static let jobsPerRound = 64
    static let rounds = 20

    @Test("renewals and completions of the same jobs in opposite orders all succeed, each job completed once")
    func renewalsAndCompletionsInOppositeOrders() async throws {
        try await TestDatabase.withStore(.postgres) { store, database in
            let driver = store.jobs
            for round in 0..<Self.rounds {
                let requests = (0..<Self.jobsPerRound).map { index in
                    JobRequest(
                        queue: "lock-order", kind: "noop", payload: Data("\(round)-\(index)".utf8),
                        dedupeKey: nil)
                }
                _ = try await driver.enqueue(requests)
                let claimed = try await driver.claimNextJobs(
                    queue: "lock-order", limit: Self.jobsPerRound, owner: "w", leaseDuration: .seconds(60))
                try #require(claimed.count == Self.jobsPerRound)
                let leases = try claimed.map { try #require($0.lease) }.sorted { $0.jobID < $1.jobID }
                try await withThrowingTaskGroup { group in
                    // Renewals walk the jobs from the last id to the first, again and again.
                    for _ in 0..<4 {
                        group.addTask {
                            _ = try await driver.renewLeases(leases.reversed(), for: .seconds(60))
                        }
                    }
                    // Completions arrive from the first id to the last and share batches.
                    for lease in leases { group.addTask { try await driver.complete(lease) } }
                    try await group.waitForAll()
                }
            }
            let total = Self.rounds * Self.jobsPerRound
            #expect(
                try await TestDatabase.postgresCount(
                    url: database.url, "SELECT count(*) FROM jobs WHERE state = 'completed'") == total)
            #expect(
                try await TestDatabase.postgresCount(
                    url: database.url, "SELECT sum(completed)::int8 FROM job_completions") == total)
        }
    }

    @Test("a statement the server aborts as a deadlock or serialization failure is run once more, not twice")
    func conflictRetriedOnce() async throws {
        let database = try await TestDatabase.create(.postgres)
        let pool = PostgresPool(
            url: try PostgresDatabaseURL(database.url), maximumConnections: 2, logger: TestDatabase.quiet)
        let conflict: PostgresQuery = """
            DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = 'deadlock_detected'; END $$
            """
        do {
            try await pool.whileRunning {
                let tries = Mutex(0)
                let answer = try await PostgresFailure.retryingConflictOnce(logger: TestDatabase.quiet) {
                    let attempt = tries.withLock { count in
                        count += 1
                        return count
                    }
                    if attempt == 1 { try await pool.rows(conflict, logger: TestDatabase.quiet) }
                    return attempt
                }
                #expect(answer == 2)
                let persistent = Mutex(0)
                await #expect(throws: PSQLError.self) {
                    try await PostgresFailure.retryingConflictOnce(logger: TestDatabase.quiet) {
                        persistent.withLock { $0 += 1 }
                        try await pool.rows(conflict, logger: TestDatabase.quiet)
                    }
                }
                #expect(persistent.withLock { $0 } == 2)
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}
