import Foundation
import JobQueue

/// The job driver on SQLite: jobs live in the store's database and enqueue joins its transactions.
///
/// Claims run on the single writer connection (and `BEGIN IMMEDIATE` between processes), so two
/// workers can never claim the same job.
public final class SQLiteJobDriver: JobQueueDriver {
    public let notifier: JobNotifier
    let pool: SQLiteConnectionPool
    let now: @Sendable () -> Date

    private let completions: TransactionBatcher<JobLease, Void>
    private let claimsByID: TransactionBatcher<ClaimByID, Job?>

    init(pool: SQLiteConnectionPool, notifier: JobNotifier, now: @escaping @Sendable () -> Date) {
        self.pool = pool
        self.notifier = notifier
        self.now = now
        // Completions are bounded by the workers' concurrency, not by a setting.
        completions = TransactionBatcher(name: "completions", maximumPending: .max) { leases in
            try await pool.transaction { try Self.complete(leases, on: $0, now: now()) }
        }
        // A broker worker claims each delivery by id; the claims that arrive together share one
        // write transaction instead of queueing for the writer one by one.
        claimsByID = TransactionBatcher(name: "claims by id", maximumPending: .max) { claims in
            try await pool.transaction { connection in
                var results: [Result<Job?, any Error>] = []
                for claim in claims {
                    results.append(.success(try Self.claimJob(claim, on: connection, now: now())))
                }
                return results
            }
        }
    }

    public func enqueue(_ request: JobRequest) async throws -> EnqueueResult {
        try await enqueue([request])[0]
    }

    public func enqueue(_ requests: [JobRequest]) async throws -> [EnqueueResult] {
        let results = try await pool.transaction { try enqueue(requests, on: $0) }
        for queue in results.queuesWithNewWork { notifier.notify(queue: queue) }
        return results
    }

    /// Enqueues several jobs with one statement inside the caller's transaction, in order; a job
    /// whose dedupe key is taken (in its queue) yields the job that holds it. Jobs that ran inline
    /// are counted among their queues' completions, not stored; a job its enqueuer's worker takes
    /// at once is stored running under its lease.
    func enqueue(_ requests: [JobRequest], on connection: isolated SQLiteConnection) throws -> [EnqueueResult]
    {
        guard !requests.isEmpty else { return [] }
        let now = now()
        let jobs = requests.map { $0.makeJob(now: now) }
        let stored = jobs.filter { $0.state != .completed }
        var insertedIDs: Set<String> = []
        if !stored.isEmpty {
            insertedIDs = try insert(stored, on: connection)
        }
        var results: [EnqueueResult] = []
        var ranInline: [String] = []
        for job in jobs {
            if insertedIDs.contains(job.id) {
                results.append(EnqueueResult(job: job, inserted: true))
                continue
            }
            let existing =
                job.dedupeKey == nil
                ? []
                : try connection.run(
                    "SELECT * FROM jobs WHERE dedupe_key = \(job.dedupeKey) AND queue = \(job.queue)")
            if let row = existing.first {
                results.append(EnqueueResult(job: try Self.job(from: row), inserted: false))
            } else if job.state == .completed {
                ranInline.append(job.queue)
                results.append(EnqueueResult(job: job, inserted: true))
            } else {
                throw JobQueueError.dedupeConflict(queue: job.queue, dedupeKey: job.dedupeKey ?? "")
            }
        }
        try Self.countCompletions(queues: ranInline, on: connection, now: now)
        return results
    }

    /// Inserts the jobs, each unless its dedupe key is taken; returns the ids inserted.
    private func insert(_ jobs: [Job], on connection: isolated SQLiteConnection) throws -> Set<String> {
        let rows = jobs.map { job -> SQLiteQuery in
            """
            (\(job.id), \(job.queue), \(job.kind), \(json: job.payload), \(job.dedupeKey), \(job.state.rawValue),
             \(job.attempt), \(job.maxAttempts), \(job.runAt), \(job.leaseOwner), \(job.leaseExpiresAt), '[]',
             \(job.createdAt), \(job.updatedAt), \(job.completedAt))
            """
        }
        let inserted = try connection.run(
            """
            INSERT INTO jobs (id, queue, kind, payload, dedupe_key, state, attempt, max_attempts, run_at,
                              lease_owner, lease_expires_at, errors, created_at, updated_at, completed_at)
            VALUES \(SQLiteQuery.joined(rows))
            ON CONFLICT (dedupe_key, queue) WHERE dedupe_key IS NOT NULL DO NOTHING
            RETURNING id
            """)
        return Set(inserted.compactMap { $0.string("id") })
    }

    public func claimNextJobs(
        queue: String, limit: Int, owner: String, leaseDuration: Duration, overdueBy: Duration
    ) async throws -> [Job] {
        let now = now()
        let expiry = now + leaseDuration.seconds
        let rows = try await pool.transaction { connection in
            try connection.run(
                """
                UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now),
                    errors = json_insert(errors, '$[#]', json_object('attempt', attempt, 'failed_at', \(now),
                                                                     'message', \(JobLeaseExpiry.message)))
                WHERE queue = \(queue) AND state = 'running' AND lease_expires_at <= \(now)
                  AND attempt >= max_attempts
                """)
            return try connection.run(
                """
                UPDATE jobs SET
                    errors = CASE WHEN state = 'running'
                        THEN json_insert(errors, '$[#]', json_object('attempt', attempt, 'failed_at', \(now),
                                                                     'message', \(JobLeaseExpiry.message)))
                        ELSE errors END,
                    state = 'running', attempt = attempt + 1, lease_owner = \(owner),
                    lease_expires_at = \(expiry), relay_owner = NULL, relay_until = NULL, updated_at = \(now)
                WHERE id IN (
                    SELECT id FROM (
                        SELECT * FROM (
                            SELECT id, run_at FROM jobs
                            WHERE queue = \(queue) AND state IN ('available', 'scheduled')
                              AND run_at <= \(now - overdueBy.seconds)
                              AND (relay_until IS NULL OR relay_until <= \(now))
                            ORDER BY run_at LIMIT \(limit))
                        UNION ALL
                        SELECT * FROM (
                            SELECT id, run_at FROM jobs
                            WHERE queue = \(queue) AND state = 'running' AND lease_expires_at <= \(now)
                            ORDER BY lease_expires_at LIMIT \(limit))
                    ) ORDER BY run_at LIMIT \(limit))
                RETURNING *
                """)
        }
        return try rows.map(Self.job(from:)).sorted { ($0.runAt, $0.id) < ($1.runAt, $1.id) }
    }

    public func claimJob(id: String, attempt: Int?, owner: String, leaseDuration: Duration) async throws
        -> Job?
    {
        try await claimsByID.submit(
            ClaimByID(id: id, attempt: attempt, owner: owner, leaseDuration: leaseDuration))
    }

    private static func claimJob(_ claim: ClaimByID, on connection: isolated SQLiteConnection, now: Date)
        throws
        -> Job?
    {
        let id = claim.id
        // The delivery's attempt, or the one it started before its worker crashed.
        let sent: SQLiteQuery = claim.attempt.map { "attempt = \($0)" } ?? "TRUE"
        let sentOrCrashed: SQLiteQuery = claim.attempt.map { "attempt IN (\($0), \($0 + 1))" } ?? "TRUE"
        let expiry: SQLiteQuery =
            "json_object('attempt', attempt, 'failed_at', \(now), 'message', \(JobLeaseExpiry.message))"
        try connection.run(
            """
            UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now),
                errors = json_insert(errors, '$[#]', \(expiry))
            WHERE id = \(id) AND \(sentOrCrashed) AND state = 'running' AND lease_expires_at <= \(now)
              AND attempt >= max_attempts
            """)
        let rows = try connection.run(
            """
            UPDATE jobs SET
                errors = CASE WHEN state = 'running' THEN json_insert(errors, '$[#]', \(expiry)) ELSE errors END,
                state = 'running', attempt = attempt + 1, lease_owner = \(claim.owner),
                lease_expires_at = \(now + claim.leaseDuration.seconds), relay_owner = NULL, relay_until = NULL,
                updated_at = \(now)
            WHERE id = \(id)
              AND ((state IN ('available', 'scheduled') AND \(sent))
                OR (state = 'running' AND lease_expires_at <= \(now) AND \(sentOrCrashed)))
            RETURNING *
            """)
        return try rows.first.map(Self.job(from:))
    }

    public func renewLeases(_ leases: [JobLease], for duration: Duration) async throws -> Set<String> {
        guard !leases.isEmpty else { return [] }
        let now = now()
        let rows = try await pool.write(
            """
            UPDATE jobs SET lease_expires_at = \(now + duration.seconds), updated_at = \(now)
            FROM (VALUES \(SQLiteQuery.joined(leases.map { "(\($0.jobID), \($0.attempt), \($0.owner))" }))) AS held
            WHERE jobs.id = held.column1 AND jobs.attempt = held.column2 AND jobs.lease_owner = held.column3
              AND jobs.state = 'running'
            RETURNING jobs.id
            """)
        return Set(rows.compactMap { $0.string("id") })
    }

    /// Marks the job completed; completions that arrive together share one statement.
    public func complete(_ lease: JobLease) async throws {
        try await completions.submit(lease)
    }

    /// Completes the jobs whose leases still hold, inside the caller's transaction (the one that
    /// stores their results); returns the ids of those completed.
    func complete(_ leases: [JobLease], on connection: isolated SQLiteConnection) throws -> Set<String> {
        guard !leases.isEmpty else { return [] }
        let results = try Self.complete(leases, on: connection, now: now())
        return Set(
            zip(leases, results).compactMap { lease, result in
                if case .success = result { lease.jobID } else { nil }
            })
    }

    private static func complete(_ leases: [JobLease], on connection: isolated SQLiteConnection, now: Date)
        throws
        -> [Result<Void, any Error>]
    {
        let rows = try connection.run(
            """
            UPDATE jobs SET state = 'completed', completed_at = \(now), updated_at = \(now),
                lease_owner = NULL, lease_expires_at = NULL
            FROM (VALUES \(SQLiteQuery.joined(leases.map { "(\($0.jobID), \($0.attempt), \($0.owner))" }))) AS done
            WHERE jobs.id = done.column1 AND jobs.attempt = done.column2 AND jobs.lease_owner = done.column3
              AND jobs.state = 'running'
            RETURNING jobs.id, jobs.queue
            """)
        try countCompletions(queues: rows.compactMap { $0.string("queue") }, on: connection, now: now)
        let completed = Set(rows.compactMap { $0.string("id") })
        return leases.map {
            completed.contains($0.jobID) ? .success(()) : .failure(JobQueueError.leaseLost($0))
        }
    }

    /// Counts jobs completed at `now` (one queue name each) in their queues' minute.
    private static func countCompletions(
        queues: [String], on connection: isolated SQLiteConnection, now: Date
    )
        throws
    {
        let minute = JobCompletionCounts.minute(of: now)
        for (queue, done) in Dictionary(grouping: queues, by: { $0 }) {
            try connection.run(
                """
                INSERT INTO job_completions (queue, minute, completed) VALUES (\(queue), \(minute), \(done.count))
                ON CONFLICT (queue, minute) DO UPDATE SET completed = completed + excluded.completed
                """)
        }
    }

    public func fail(_ lease: JobLease, error: JobAttemptError, retryAt: Date?) async throws -> JobState {
        let now = now()
        let rows = try await pool.write(
            """
            UPDATE jobs SET
                state = CASE WHEN \(retryAt) IS NOT NULL AND attempt < max_attempts THEN 'scheduled' ELSE 'dead' END,
                run_at = CASE WHEN \(retryAt) IS NOT NULL AND attempt < max_attempts THEN \(retryAt) ELSE run_at END,
                errors = json_insert(errors, '$[#]', json_object('attempt', \(error.attempt),
                    'failed_at', \(error.failedAt), 'message', \(error.message))),
                lease_owner = NULL, lease_expires_at = NULL, kind_unknown_since = NULL, updated_at = \(now)
            WHERE \(Self.fenced(lease)) RETURNING state
            """)
        guard let state = rows.first?.string("state").flatMap(JobState.init(rawValue:)) else {
            throw JobQueueError.leaseLost(lease)
        }
        return state
    }

    public func release(_ lease: JobLease) async throws {
        let rows = try await pool.write(
            """
            UPDATE jobs SET state = 'available', attempt = attempt - 1, lease_owner = NULL,
                lease_expires_at = NULL, kind_unknown_since = NULL, updated_at = \(now())
            WHERE \(Self.fenced(lease)) RETURNING queue
            """)
        guard let queue = rows.first?.string("queue") else { throw JobQueueError.leaseLost(lease) }
        notifier.notify(queue: queue)
    }

    public func releaseUnknownKind(_ lease: JobLease, retryAt: Date, grace: Duration, error: JobAttemptError)
        async throws -> JobState
    {
        let now = now()
        let dead: SQLiteQuery = "coalesce(kind_unknown_since, \(now)) <= \(now - grace.seconds)"
        let rows = try await pool.write(
            """
            UPDATE jobs SET
                state = CASE WHEN \(dead) THEN 'dead' ELSE 'scheduled' END,
                attempt = CASE WHEN \(dead) THEN attempt ELSE attempt - 1 END,
                run_at = CASE WHEN \(dead) THEN run_at ELSE \(retryAt) END,
                errors = CASE WHEN \(dead)
                    THEN json_insert(errors, '$[#]', json_object('attempt', \(error.attempt),
                        'failed_at', \(error.failedAt), 'message', \(error.message)))
                    ELSE errors END,
                kind_unknown_since = CASE WHEN \(dead) THEN NULL ELSE coalesce(kind_unknown_since, \(now)) END,
                lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now)
            WHERE \(Self.fenced(lease)) RETURNING state
            """)
        guard let state = rows.first?.string("state").flatMap(JobState.init(rawValue:)) else {
            throw JobQueueError.leaseLost(lease)
        }
        return state
    }

    public func job(id: String) async throws -> Job? {
        try await pool.read("SELECT * FROM jobs WHERE id = \(id)").first.map(Self.job(from:))
    }

    public func statistics(queues: [String]) async throws -> [String: QueueStatistics] {
        let now = now()
        // One indexed count per queue and state (jobs_due, jobs_state), and completions from their
        // per-minute counts: nothing here walks the whole table.
        let named = try JSONEncoder().encode(queues)
        let rows = try await pool.read(
            """
            SELECT named.value AS queue,
                (SELECT count(*) FROM jobs WHERE queue = named.value AND state IN ('available', 'scheduled')
                    AND run_at <= \(now)) AS available,
                (SELECT count(*) FROM jobs WHERE queue = named.value AND state IN ('available', 'scheduled')
                    AND run_at > \(now)) AS scheduled,
                (SELECT count(*) FROM jobs WHERE queue = named.value AND state = 'running') AS running,
                (SELECT count(*) FROM jobs WHERE queue = named.value AND state = 'dead') AS dead,
                (SELECT coalesce(sum(completed), 0) FROM job_completions
                    WHERE queue = named.value AND minute > \(now - 3600)) AS completed_last_hour,
                (SELECT min(run_at) FROM jobs WHERE queue = named.value AND state IN ('available', 'scheduled')
                    AND run_at <= \(now)) AS oldest
            FROM (SELECT DISTINCT value FROM json_each(\(json: named))) AS named
            """)
        var result = Dictionary(uniqueKeysWithValues: queues.map { ($0, QueueStatistics()) })
        for row in rows {
            guard let queue = row.string("queue"), result[queue] != nil else { continue }
            result[queue] = QueueStatistics(
                available: row.int("available"), scheduled: row.int("scheduled"), running: row.int("running"),
                dead: row.int("dead"), completedLastHour: row.int("completed_last_hour"),
                oldestAvailableAgeSeconds: row.date("oldest").map { max(0, now.timeIntervalSince($0)) } ?? 0)
        }
        return result
    }

    private static func fenced(_ lease: JobLease) -> SQLiteQuery {
        "id = \(lease.jobID) AND state = 'running' AND attempt = \(lease.attempt) AND lease_owner = \(lease.owner)"
    }

    static func job(from row: SQLiteRow) throws -> Job {
        let errorDecoder = JSONDecoder()
        errorDecoder.dateDecodingStrategy = .secondsSince1970
        return Job(
            id: row.string("id") ?? "", queue: row.string("queue") ?? "", kind: row.string("kind") ?? "",
            payload: row.data("payload"), dedupeKey: row.string("dedupe_key"),
            state: JobState(rawValue: row.string("state") ?? "") ?? .dead, attempt: row.int("attempt"),
            maxAttempts: row.int("max_attempts"), runAt: row.date("run_at") ?? .distantPast,
            leaseOwner: row.string("lease_owner"), leaseExpiresAt: row.date("lease_expires_at"),
            errors: try errorDecoder.decode([JobAttemptError].self, from: row.data("errors")),
            createdAt: row.date("created_at") ?? .distantPast,
            updatedAt: row.date("updated_at") ?? .distantPast,
            completedAt: row.date("completed_at"))
    }
}
