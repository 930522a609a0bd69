import Foundation
import JobQueue

/// Dead letters, worker heartbeats and housekeeping on SQLite.
extension SQLiteJobDriver {
    /// What an admin's retry sets, besides the run-at: see ``JobQueueDriver/retryDeadJob(id:)``.
    /// `attempts_per_run` keeps the attempts the job was first given.
    static let retried: SQLiteQuery = """
        state = 'available', attempt = attempt + 1,
        max_attempts = attempt + 1 + coalesce(attempts_per_run, max_attempts),
        attempts_per_run = coalesce(attempts_per_run, max_attempts), published_attempt = NULL,
        kind_unknown_since = NULL
        """

    public func deadJobs(queue: String?, limit: Int, offset: Int) async throws -> (jobs: [Job], total: Int) {
        let rows = try await pool.read(
            """
            SELECT * FROM jobs WHERE state = 'dead' AND (\(queue) IS NULL OR queue = \(queue))
            ORDER BY updated_at DESC, id DESC LIMIT \(limit) OFFSET \(offset)
            """)
        let total = try await pool.read(
            "SELECT count(*) AS total FROM jobs WHERE state = 'dead' AND (\(queue) IS NULL OR queue = \(queue))"
        )
        return (try rows.map(Self.job(from:)), total.first?.int("total") ?? 0)
    }

    public func retryDeadJob(id: String) async throws -> Job? {
        let now = now()
        let rows = try await pool.write(
            """
            UPDATE jobs SET \(Self.retried), run_at = \(now), updated_at = \(now)
            WHERE id = \(id) AND state = 'dead' RETURNING *
            """)
        guard let job = try rows.first.map(Self.job(from:)) else { return nil }
        notifier.notify(queue: job.queue)
        return job
    }

    public func retryDeadJobs(queue: String?) async throws -> Int {
        let now = now()
        let rows = try await pool.write(
            """
            UPDATE jobs SET \(Self.retried), run_at = \(now), updated_at = \(now)
            WHERE state = 'dead' AND (\(queue) IS NULL OR queue = \(queue)) RETURNING queue
            """)
        for queue in Set(rows.compactMap { $0.string("queue") }) { notifier.notify(queue: queue) }
        return rows.count
    }

    public func discardDeadJob(id: String) async throws -> Bool {
        try await !pool.write("DELETE FROM jobs WHERE id = \(id) AND state = 'dead' RETURNING id").isEmpty
    }

    public func recordHeartbeat(_ heartbeat: WorkerHeartbeat) async throws {
        try await pool.write(
            """
            INSERT INTO job_workers (id, queues, host, process_id, started_at, last_seen_at)
            VALUES (\(heartbeat.workerID), \(heartbeat.queues.joined(separator: ",")), \(heartbeat.host),
                    \(heartbeat.processID), \(heartbeat.startedAt), \(heartbeat.lastSeenAt))
            ON CONFLICT (id) DO UPDATE SET last_seen_at = excluded.last_seen_at, queues = excluded.queues
            """)
    }

    public func workers(seenSince date: Date) async throws -> [WorkerHeartbeat] {
        let rows = try await pool.read(
            "SELECT * FROM job_workers WHERE last_seen_at >= \(date) ORDER BY started_at, id")
        return rows.map { row in
            WorkerHeartbeat(
                workerID: row.string("id") ?? "",
                queues: (row.string("queues") ?? "").split(separator: ",").map(String.init),
                host: row.string("host") ?? "", processID: row.int("process_id"),
                startedAt: row.date("started_at") ?? .distantPast,
                lastSeenAt: row.date("last_seen_at") ?? .distantPast)
        }
    }

    public func removeWorker(id: String) async throws {
        try await pool.write("DELETE FROM job_workers WHERE id = \(id)")
    }

    public func pruneCompletedJobs(before date: Date, limit: Int) async throws -> Int {
        try await pool.write(
            "DELETE FROM job_workers WHERE last_seen_at < \(now() - WorkerHeartbeat.staleAfter.seconds)")
        try await pool.write(
            "DELETE FROM job_completions WHERE minute < \(now().timeIntervalSince1970 - JobCompletionCounts.kept)"
        )
        return try await pool.write(
            """
            DELETE FROM jobs WHERE id IN (
                SELECT id FROM jobs WHERE state = 'completed' AND completed_at < \(date) LIMIT \(limit))
            RETURNING id
            """
        ).count
    }
}
