import Foundation
import JobQueue
import PostgresNIO

/// Queue statistics, dead letters, worker heartbeats and housekeeping on PostgreSQL.
extension PostgresJobDriver {
    /// What an admin's retry sets, besides the run-at: see ``JobQueueDriver/retryDeadJob(id:)``.
    /// `attempts_per_run` keeps the attempts the job was first given.
    static let retried = """
        state = 'available', attempt = attempt + 1,
        max_attempts = attempt + 1 + coalesce(attempts_per_run, max_attempts),
        attempts_per_run = coalesce(attempts_per_run, max_attempts), published_attempt = NULL,
        kind_unknown_since = NULL
        """

    /// Counts for each of `queues`, each from a range of a partial index, never a scan of the table.
    public func statistics(queues: [String]) async throws -> [String: QueueStatistics] {
        let now = now()
        let rows = try await client.rows(
            """
            WITH named AS (SELECT DISTINCT unnest(\(queues)::text[]) AS queue)
            SELECT named.queue,
                (SELECT count(*) FROM jobs WHERE queue = named.queue AND state IN ('available', 'scheduled')
                    AND run_at <= \(now)) AS available,
                (SELECT count(*) FROM jobs WHERE queue = named.queue AND state IN ('available', 'scheduled')
                    AND run_at > \(now)) AS scheduled,
                (SELECT count(*) FROM jobs WHERE queue = named.queue AND state = 'running') AS running,
                (SELECT count(*) FROM jobs WHERE queue = named.queue AND state = 'dead') AS dead,
                (SELECT coalesce(sum(completed), 0)::int8 FROM job_completions WHERE queue = named.queue
                    AND minute > \(now - 3600)) AS completed_last_hour,
                (SELECT min(run_at) FROM jobs WHERE queue = named.queue AND state IN ('available', 'scheduled')
                    AND run_at <= \(now)) AS oldest
            FROM named
            """, logger: logger)
        var result: [String: QueueStatistics] = [:]
        for row in rows {
            result[try row.string("queue")] = QueueStatistics(
                available: try row.int("available"), scheduled: try row.int("scheduled"),
                running: try row.int("running"), dead: try row.int("dead"),
                completedLastHour: try row.int("completed_last_hour"),
                oldestAvailableAgeSeconds: try row.optionalDate("oldest").map {
                    max(0, now.timeIntervalSince($0))
                } ?? 0)
        }
        return result
    }

    public func deadJobs(queue: String?, limit: Int, offset: Int) async throws -> (jobs: [Job], total: Int) {
        let rows = try await client.rows(
            """
            SELECT \(unescaped: Self.columns) FROM jobs
            WHERE state = 'dead' AND (\(queue)::text IS NULL OR queue = \(queue)::text)
            ORDER BY updated_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)
            """, logger: logger)
        let total = try await client.rows(
            """
            SELECT count(*) AS total FROM jobs WHERE state = 'dead' AND (\(queue)::text IS NULL OR queue = \(queue)::text)
            """, logger: logger)
        return (try rows.map(Self.job(from:)), try total.first?.int("total") ?? 0)
    }

    public func retryDeadJob(id: String) async throws -> Job? {
        let now = now()
        let rows = try await client.rows(
            """
            UPDATE jobs SET \(unescaped: Self.retried), run_at = \(now), updated_at = \(now)
            WHERE id = \(id) AND state = 'dead'
            RETURNING \(unescaped: Self.columns), pg_notify(\(Self.channel), queue)
            """, logger: logger)
        guard let job = try rows.first.map(Self.job(from:)) else { return nil }
        notifier.notify(queue: job.queue)
        return job
    }

    public func retryDeadJobs(queue: String?) async throws -> Int {
        let now = now()
        let rows = try await client.rows(
            """
            UPDATE jobs SET \(unescaped: Self.retried), run_at = \(now), updated_at = \(now)
            WHERE state = 'dead' AND (\(queue)::text IS NULL OR queue = \(queue)::text)
            RETURNING queue
            """, logger: logger)
        let queues = Set(try rows.map { try $0.string("queue") })
        for queue in queues {
            try await client.rows("SELECT pg_notify(\(Self.channel), \(queue))", logger: logger)
            notifier.notify(queue: queue)
        }
        return rows.count
    }

    public func discardDeadJob(id: String) async throws -> Bool {
        try await !client.rows(
            "DELETE FROM jobs WHERE id = \(id) AND state = 'dead' RETURNING id", logger: logger
        )
        .isEmpty
    }

    public func recordHeartbeat(_ heartbeat: WorkerHeartbeat) async throws {
        try await client.rows(
            """
            INSERT INTO job_workers (id, queues, host, process_id, started_at, last_seen_at)
            VALUES (\(heartbeat.workerID), \(heartbeat.queues.joined(separator: ",")), \(heartbeat.host),
                    \(heartbeat.processID), \(heartbeat.startedAt), \(heartbeat.lastSeenAt))
            ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at, queues = excluded.queues
            """, logger: logger)
    }

    public func workers(seenSince date: Date) async throws -> [WorkerHeartbeat] {
        let rows = try await client.rows(
            "SELECT * FROM job_workers WHERE last_seen_at >= \(date) ORDER BY started_at, id", logger: logger)
        return try rows.map { row in
            WorkerHeartbeat(
                workerID: try row.string("id"),
                queues: try row.string("queues").split(separator: ",").map(String.init),
                host: try row.string("host"),
                processID: try row.int("process_id"), startedAt: try row.date("started_at"),
                lastSeenAt: try row.date("last_seen_at"))
        }
    }

    public func removeWorker(id: String) async throws {
        try await client.rows("DELETE FROM job_workers WHERE id = \(id)", logger: logger)
    }

    /// Deletes a batch of old completed jobs; rows another transaction holds are skipped, not waited for.
    public func pruneCompletedJobs(before date: Date, limit: Int) async throws -> Int {
        try await client.rows(
            "DELETE FROM job_workers WHERE last_seen_at < \(now() - WorkerHeartbeat.staleAfter.seconds)",
            logger: logger)
        try await client.rows(
            "DELETE FROM job_completions WHERE minute < \(now() - JobCompletionCounts.kept)", logger: logger)
        return try await client.rows(
            """
            DELETE FROM jobs WHERE id IN (
                SELECT id FROM jobs WHERE state = 'completed' AND completed_at < \(date)
                LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING id
            """, logger: logger
        ).count
    }
}
