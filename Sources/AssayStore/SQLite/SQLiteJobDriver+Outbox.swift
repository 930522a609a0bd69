import Foundation
import JobQueue

/// The jobs table as an outbox on SQLite: each operation is one statement on the writer, so two
/// relays never hold the same job.
extension SQLiteJobDriver: JobOutbox {
    /// The condition of a job whose current attempt no message was accepted for; `jobs_unpublished`
    /// is the partial index of exactly this.
    static let unpublished: SQLiteQuery =
        "state IN ('available', 'scheduled') AND published_attempt IS NOT attempt"

    public func holdUnpublished(queue: String, limit: Int, owner: String, hold: Duration) async throws
        -> [OutboxEntry]
    {
        let now = now()
        let rows = try await pool.write(
            """
            UPDATE jobs SET relay_owner = \(owner), relay_until = \(now + hold.seconds)
            WHERE id IN (
                SELECT id FROM jobs
                WHERE queue = \(queue) AND \(Self.unpublished) AND (relay_until IS NULL OR relay_until <= \(now))
                ORDER BY run_at LIMIT \(limit))
            RETURNING id, queue, kind, attempt, run_at
            """)
        return
            rows.map { row in
                OutboxEntry(
                    jobID: row.string("id") ?? "", queue: row.string("queue") ?? "",
                    kind: row.string("kind") ?? "",
                    attempt: row.int("attempt"), runAt: row.date("run_at") ?? .distantPast)
            }
            .sorted { ($0.runAt, $0.jobID) < ($1.runAt, $1.jobID) }
    }

    public func markPublished(_ entries: [OutboxEntry], owner: String, reclaimAfter: Duration) async throws
        -> Set<String>
    {
        guard !entries.isEmpty else { return [] }
        let now = now()
        let rows = try await pool.write(
            """
            UPDATE jobs SET published_attempt = jobs.attempt, run_at = max(jobs.run_at, \(now)) + \(reclaimAfter.seconds),
                relay_owner = NULL, relay_until = NULL
            FROM (VALUES \(SQLiteQuery.joined(entries.map { "(\($0.jobID), \($0.attempt))" }))) AS sent
            WHERE jobs.id = sent.column1 AND jobs.attempt = sent.column2 AND jobs.relay_owner = \(owner)
              AND jobs.state IN ('available', 'scheduled') AND jobs.published_attempt IS NOT jobs.attempt
            RETURNING jobs.id
            """)
        return Set(rows.compactMap { $0.string("id") })
    }

    public func releaseHeld(_ entries: [OutboxEntry], owner: String) async throws {
        guard !entries.isEmpty else { return }
        _ = try await pool.write(
            """
            UPDATE jobs SET relay_owner = NULL, relay_until = NULL
            WHERE relay_owner = \(owner) AND id IN (\(SQLiteQuery.joined(entries.map { "\($0.jobID)" })))
            """)
    }

    public func unpublishedCounts(queues: [String]) async throws -> [String: Int] {
        let named = try JSONEncoder().encode(queues)
        let rows = try await pool.read(
            """
            SELECT named.value AS queue,
                (SELECT count(*) FROM jobs WHERE queue = named.value AND \(Self.unpublished)) AS unpublished
            FROM (SELECT DISTINCT value FROM json_each(\(json: named))) AS named
            """)
        var counts = Dictionary(uniqueKeysWithValues: queues.map { ($0, 0) })
        for row in rows {
            guard let queue = row.string("queue") else { continue }
            counts[queue] = row.int("unpublished")
        }
        return counts
    }

    public func markDeadLettered(jobID: String, attempt: Int, message: String) async throws -> Job? {
        let now = now()
        let rows = try await pool.write(
            """
            UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL, relay_owner = NULL,
                relay_until = NULL, updated_at = \(now),
                errors = json_insert(errors, '$[#]', json_object('attempt', attempt, 'failed_at', \(now),
                                                                 'message', \(message)))
            WHERE id = \(jobID)
              AND ((state IN ('available', 'scheduled') AND attempt = \(attempt))
                OR (state = 'running' AND lease_expires_at <= \(now) AND attempt IN (\(attempt), \(attempt + 1))))
            RETURNING *
            """)
        return try rows.first.map(Self.job(from:))
    }
}
