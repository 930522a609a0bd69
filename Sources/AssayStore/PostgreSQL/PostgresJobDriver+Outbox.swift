import Foundation
import JobQueue
import PostgresNIO

/// The jobs table as an outbox on PostgreSQL: a hold takes its rows with `FOR UPDATE SKIP LOCKED`,
/// so two relays never hold the same job and never wait on each other; statements that name
/// several jobs lock them in the order of their ids, as every batch of jobs is.
extension PostgresJobDriver: JobOutbox {
    public func holdUnpublished(queue: String, limit: Int, owner: String, hold: Duration) async throws
        -> [OutboxEntry]
    {
        let now = now()
        let rows = try await client.rows(
            """
            WITH picked AS (
                SELECT id FROM jobs
                WHERE queue = \(queue) AND state IN ('available', 'scheduled')
                  AND published_attempt IS DISTINCT FROM attempt
                  AND (relay_until IS NULL OR relay_until <= \(now))
                ORDER BY run_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
            )
            UPDATE jobs SET relay_owner = \(owner), relay_until = \(now + hold.seconds)
            FROM picked WHERE jobs.id = picked.id
            RETURNING jobs.id, jobs.queue, jobs.kind, jobs.attempt, jobs.run_at
            """, logger: logger)
        return try rows.map { row in
            OutboxEntry(
                jobID: try row.string("id"), queue: try row.string("queue"), kind: try row.string("kind"),
                attempt: try row.int("attempt"), runAt: try row.date("run_at"))
        }
        .sorted { ($0.runAt, $0.jobID) < ($1.runAt, $1.jobID) }
    }

    public func markPublished(_ entries: [OutboxEntry], owner: String, reclaimAfter: Duration) async throws
        -> Set<String>
    {
        guard !entries.isEmpty else { return [] }
        let now = now()
        let rows = try await PostgresFailure.retryingConflictOnce(logger: logger) {
            try await self.client.rows(
                """
                WITH locked AS (
                    SELECT jobs.id FROM jobs
                    JOIN unnest(\(entries.map(\.jobID))::text[], \(entries.map(\.attempt))::int8[]) AS sent(id, attempt)
                        ON jobs.id = sent.id AND jobs.attempt = sent.attempt
                    WHERE jobs.relay_owner = \(owner) AND jobs.state IN ('available', 'scheduled')
                      AND jobs.published_attempt IS DISTINCT FROM jobs.attempt
                    ORDER BY jobs.id FOR UPDATE OF jobs
                )
                UPDATE jobs SET published_attempt = jobs.attempt,
                    run_at = greatest(jobs.run_at, \(now)) + \(reclaimAfter.seconds)::float8 * interval '1 second',
                    relay_owner = NULL, relay_until = NULL
                FROM locked WHERE jobs.id = locked.id
                RETURNING jobs.id
                """, logger: self.logger)
        }
        return Set(try rows.map { try $0.string("id") })
    }

    public func releaseHeld(_ entries: [OutboxEntry], owner: String) async throws {
        guard !entries.isEmpty else { return }
        _ = try await PostgresFailure.retryingConflictOnce(logger: logger) {
            try await self.client.rows(
                """
                WITH locked AS (
                    SELECT id FROM jobs WHERE id = ANY(\(entries.map(\.jobID))::text[]) AND relay_owner = \(owner)
                    ORDER BY id FOR UPDATE
                )
                UPDATE jobs SET relay_owner = NULL, relay_until = NULL
                FROM locked WHERE jobs.id = locked.id
                """, logger: self.logger)
        }
    }

    public func unpublishedCounts(queues: [String]) async throws -> [String: Int] {
        let rows = try await client.rows(
            """
            WITH named AS (SELECT DISTINCT unnest(\(queues)::text[]) AS queue)
            SELECT named.queue,
                (SELECT count(*) FROM jobs WHERE queue = named.queue AND state IN ('available', 'scheduled')
                    AND published_attempt IS DISTINCT FROM attempt) AS unpublished
            FROM named
            """, logger: logger)
        var counts = Dictionary(uniqueKeysWithValues: queues.map { ($0, 0) })
        for row in rows { counts[try row.string("queue")] = try row.int("unpublished") }
        return counts
    }

    public func markDeadLettered(jobID: String, attempt: Int, message: String) async throws -> Job? {
        let now = now()
        let rows = try await client.rows(
            """
            UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL, relay_owner = NULL,
                relay_until = NULL, updated_at = \(now),
                errors = errors || jsonb_build_array(jsonb_build_object(
                    'attempt', attempt, 'failed_at', \(now.timeIntervalSince1970)::float8, 'message', \(message)::text))
            WHERE id = \(jobID)
              AND ((state IN ('available', 'scheduled') AND attempt = \(attempt)::int8)
                OR (state = 'running' AND lease_expires_at <= \(now)
                    AND attempt IN (\(attempt)::int8, \(attempt + 1)::int8)))
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        return try rows.first.map(Self.job(from:))
    }
}
