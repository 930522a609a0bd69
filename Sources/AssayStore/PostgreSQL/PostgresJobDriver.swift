import Foundation
import JobQueue
import Logging
import NIOCore
import PostgresNIO

/// The job driver on PostgreSQL: claims with `FOR UPDATE SKIP LOCKED`, several jobs a round trip;
/// completions batched; enqueue joins the store's transactions, and once they commit the jobs are
/// announced (``PostgresJobAnnouncer``) with `pg_notify`, which every store's listener turns into
/// wake-ups for its process's workers.
public final class PostgresJobDriver: JobQueueDriver {
    public let notifier: JobNotifier
    /// Announces enqueued jobs once their transaction committed.
    let announcer: PostgresJobAnnouncer
    let client: PostgresPool
    let logger: Logger
    let now: @Sendable () -> Date
    private let completions: TransactionBatcher<JobLease, Void>

    /// The channel enqueues notify on; the payload is the queue's name.
    static let channel = "assay_jobs"

    /// The columns of a job, as ``job(from:)`` reads them.
    static let columns = """
        id, queue, kind, payload, dedupe_key, state, attempt, max_attempts, run_at, lease_owner, lease_expires_at,
        errors::text AS errors, created_at, updated_at, completed_at
        """

    init(client: PostgresPool, notifier: JobNotifier, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.client = client
        self.notifier = notifier
        self.logger = logger
        self.now = now
        announcer = PostgresJobAnnouncer(notifier: notifier, logger: logger) { queue in
            try await client.rows(Notify(queue: queue), logger: logger)
        }
        // Completions are bounded by the workers' concurrency, not by a setting.
        completions = TransactionBatcher(name: "completions", maximumPending: .max) { leases in
            try await Self.complete(leases, client: client, logger: logger, now: now())
        }
    }

    /// The statement that tells every listener that `queue` has new jobs.
    struct Notify: PreparedQuery {
        static let sql = Notify(queue: "").query.sql
        let query: PostgresQuery

        init(queue: String) { query = "SELECT pg_notify(\(PostgresJobDriver.channel)::text, \(queue)::text)" }
    }

    public func enqueue(_ request: JobRequest) async throws -> EnqueueResult {
        try await enqueue([request])[0]
    }

    public func enqueue(_ requests: [JobRequest]) async throws -> [EnqueueResult] {
        let results = try await client.transaction(logger: logger) { connection in
            try await self.enqueue(requests, on: connection)
        }
        for queue in results.queuesWithNewWork { announcer.announce(queue: queue) }
        return results
    }

    /// Enqueues the jobs with one statement inside the caller's transaction, in order; a job whose
    /// dedupe key is taken yields the job that holds it, a job that ran inline included. The caller
    /// announces the queues of the jobs inserted once its transaction committed (``announcer``).
    func enqueue(_ requests: [JobRequest], on connection: PostgresConnection) async throws -> [EnqueueResult]
    {
        guard !requests.isEmpty else { return [] }
        let now = now()
        let jobs = requests.map { $0.makeJob(now: now) }
        let inserted = try await connection.rows(InsertJobs(jobs, now: now), logger: logger)
        let insertedIDs = Set(try inserted.map { try $0.string("id") })
        var results: [EnqueueResult] = []
        for job in jobs {
            if insertedIDs.contains(job.id) {
                results.append(EnqueueResult(job: job, inserted: true))
                continue
            }
            let existing = try await connection.rows(
                """
                SELECT \(unescaped: Self.columns) FROM jobs WHERE dedupe_key = \(job.dedupeKey) AND queue = \(job.queue)
                """, logger: logger)
            guard let row = existing.first else {
                throw JobQueueError.dedupeConflict(queue: job.queue, dedupeKey: job.dedupeKey ?? "")
            }
            results.append(EnqueueResult(job: try Self.job(from: row), inserted: false))
        }
        return results
    }

    /// The statement that inserts jobs unless their dedupe key is taken and returns the ids of
    /// those inserted. A job its enqueuer's worker takes at once (``JobRequest/leasedTo``) is stored
    /// `running` at attempt 1 under that lease. A job that ran inline (``JobRequest/ranInline``,
    /// `completed`) is not stored: unless a stored job holds its dedupe key, it is counted among
    /// its queue's completions and its id returned with those inserted. The look-up of that key is
    /// a scalar subquery, an index probe a job whatever the plan made on a small table.
    struct InsertJobs: PreparedQuery {
        static let sql = InsertJobs([], now: .distantPast).query.sql
        let query: PostgresQuery

        init(_ jobs: [Job], now: Date) {
            query = """
                WITH requested AS (
                    SELECT *, \(now)::timestamptz AS enqueued_at
                    FROM unnest(\(arraysOf: jobs))
                        AS t(\(unescaped: PostgresJobDriver.requestedColumns))
                ), inserted AS (
                    \(unescaped: PostgresJobDriver.insertRequested)
                    RETURNING id
                ), ran_inline AS (
                    SELECT id, queue FROM requested r
                    WHERE state = 'completed'
                      AND (SELECT true FROM jobs j WHERE j.dedupe_key = NULLIF(r.dedupe_key, '') AND j.queue = r.queue)
                          IS NULL
                ), counted AS (
                    INSERT INTO job_completions (queue, minute, completed)
                    SELECT queue, date_trunc('minute', \(now)::timestamptz), count(*) FROM ran_inline
                    GROUP BY queue ORDER BY queue
                    ON CONFLICT (queue, minute) DO UPDATE SET completed = job_completions.completed + excluded.completed
                )
                SELECT id FROM inserted UNION ALL SELECT id FROM ran_inline
                """
        }
    }

    /// The columns of the common table expression `requested` that ``insertRequested`` reads: a
    /// ``Job``'s, `''` for none, a `completed` job standing for one that ran inline.
    static let requestedColumns =
        "id, queue, kind, payload, dedupe_key, state, max_attempts, run_at, lease_owner, lease_expires_at"

    /// The insert of the jobs in `requested` (``requestedColumns`` and `enqueued_at`), but those
    /// that ran inline and those whose dedupe key is taken: by ``InsertJobs``, and by the insert of
    /// submissions with their jobs (``PostgresSubmissionWriter/InsertSubmissions``).
    static let insertRequested = """
        INSERT INTO jobs (id, queue, kind, payload, dedupe_key, state, attempt, max_attempts, run_at,
                          lease_owner, lease_expires_at, errors, created_at, updated_at)
        SELECT id, queue, kind, payload, NULLIF(dedupe_key, ''), state,
               CASE WHEN state = 'running' THEN 1 ELSE 0 END, max_attempts, run_at,
               NULLIF(lease_owner, ''), CASE WHEN state = 'running' THEN lease_expires_at END, '[]',
               enqueued_at, enqueued_at
        FROM requested WHERE state <> 'completed'
        ON CONFLICT (dedupe_key, queue) WHERE dedupe_key IS NOT NULL DO NOTHING
        """

    public func claimNextJobs(
        queue: String, limit: Int, owner: String, leaseDuration: Duration, overdueBy: Duration
    ) async throws -> [Job] {
        let now = now()
        let claim = Claim(
            queue: queue, limit: limit, owner: owner, now: now, expiry: now + leaseDuration.seconds,
            dueBy: now - overdueBy.seconds)
        let rows = try await client.rows(claim, logger: logger)
        return try rows.map(Self.job(from:)).sorted { ($0.runAt, $0.id) < ($1.runAt, $1.id) }
    }

    /// The statement that claims up to `limit` jobs of a queue: due ones first, then those whose
    /// lease expired with attempts left; a job whose lease expired on its last attempt is dead.
    struct Claim: PreparedQuery {
        static let sql = Claim(
            queue: "", limit: 0, owner: "", now: .distantPast, expiry: .distantPast, dueBy: .distantPast
        ).query.sql
        let query: PostgresQuery

        init(queue: String, limit: Int, owner: String, now: Date, expiry: Date, dueBy: Date) {
            query = """
                WITH exhausted AS (
                    UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL,
                        updated_at = \(now)::timestamptz,
                        errors = errors || jsonb_build_array(jsonb_build_object(
                            'attempt', attempt, 'failed_at', \(now.timeIntervalSince1970)::float8,
                            'message', \(JobLeaseExpiry.message)::text))
                    WHERE id IN (
                        SELECT id FROM jobs
                        WHERE queue = \(queue)::text AND state = 'running' AND lease_expires_at <= \(now)::timestamptz
                          AND attempt >= max_attempts
                        FOR UPDATE SKIP LOCKED)
                    RETURNING id
                ), due AS (
                    SELECT id FROM jobs
                    WHERE queue = \(queue)::text AND state IN ('available', 'scheduled')
                      AND run_at <= \(dueBy)::timestamptz
                      AND (relay_until IS NULL OR relay_until <= \(now)::timestamptz)
                    ORDER BY run_at LIMIT \(limit)::int8 FOR UPDATE SKIP LOCKED
                ), expired AS (
                    SELECT id FROM jobs
                    WHERE queue = \(queue)::text AND state = 'running' AND lease_expires_at <= \(now)::timestamptz
                      AND attempt < max_attempts
                    ORDER BY lease_expires_at LIMIT \(limit)::int8 FOR UPDATE SKIP LOCKED
                )
                UPDATE jobs SET
                    errors = CASE WHEN state = 'running'
                        THEN errors || jsonb_build_array(jsonb_build_object(
                            'attempt', attempt, 'failed_at', \(now.timeIntervalSince1970)::float8,
                            'message', \(JobLeaseExpiry.message)::text))
                        ELSE errors END,
                    state = 'running', attempt = attempt + 1, lease_owner = \(owner)::text,
                    lease_expires_at = \(expiry)::timestamptz, relay_owner = NULL, relay_until = NULL,
                    updated_at = \(now)::timestamptz
                WHERE id IN (
                    SELECT id FROM (SELECT id FROM due UNION ALL SELECT id FROM expired) AS picked
                    LIMIT \(limit)::int8)
                RETURNING \(unescaped: PostgresJobDriver.columns)
                """
        }
    }

    public func claimJob(id: String, attempt: Int?, owner: String, leaseDuration: Duration) async throws
        -> Job?
    {
        let now = now()
        // The delivery's attempt, or (running under an expired lease) the one it started before its
        // worker crashed.
        let anyAttempt = attempt == nil
        let sent = attempt ?? 0
        let rows = try await client.rows(
            """
            WITH exhausted AS (
                UPDATE jobs SET state = 'dead', lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now),
                    errors = errors || jsonb_build_array(jsonb_build_object(
                        'attempt', attempt, 'failed_at', \(now.timeIntervalSince1970)::float8,
                        'message', \(JobLeaseExpiry.message)::text))
                WHERE id = \(id) AND (\(anyAttempt)::bool OR attempt IN (\(sent)::int8, \(sent + 1)::int8))
                  AND state = 'running' AND lease_expires_at <= \(now) AND attempt >= max_attempts
                RETURNING id
            )
            UPDATE jobs SET
                errors = CASE WHEN state = 'running'
                    THEN errors || jsonb_build_array(jsonb_build_object(
                        'attempt', attempt, 'failed_at', \(now.timeIntervalSince1970)::float8,
                        'message', \(JobLeaseExpiry.message)::text))
                    ELSE errors END,
                state = 'running', attempt = attempt + 1, lease_owner = \(owner),
                lease_expires_at = \(now + leaseDuration.seconds), relay_owner = NULL, relay_until = NULL,
                updated_at = \(now)
            WHERE id = \(id)
              AND ((state IN ('available', 'scheduled') AND (\(anyAttempt)::bool OR attempt = \(sent)::int8))
                OR (state = 'running' AND lease_expires_at <= \(now) AND attempt < max_attempts
                    AND (\(anyAttempt)::bool OR attempt IN (\(sent)::int8, \(sent + 1)::int8))))
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        return try rows.first.map(Self.job(from:))
    }

    public func renewLeases(_ leases: [JobLease], for duration: Duration) async throws -> Set<String> {
        guard !leases.isEmpty else { return [] }
        let now = now()
        let rows = try await PostgresFailure.retryingConflictOnce(logger: logger) {
            try await self.client.rows(
                """
                WITH locked AS (
                    -- Locked in the order of their ids, as every batch of jobs is, so batches never deadlock.
                    SELECT jobs.id FROM jobs
                    JOIN unnest(\(leases.map(\.jobID))::text[], \(leases.map(\.attempt))::int8[], \(leases.map(\.owner))::text[])
                        AS held(id, attempt, owner)
                        ON jobs.id = held.id AND jobs.attempt = held.attempt AND jobs.lease_owner = held.owner
                    WHERE jobs.state = 'running'
                    ORDER BY jobs.id FOR UPDATE OF jobs
                )
                UPDATE jobs SET lease_expires_at = \(now + duration.seconds), updated_at = \(now)
                FROM locked WHERE jobs.id = locked.id
                RETURNING jobs.id
                """, logger: self.logger)
        }
        return Set(try rows.map { try $0.string("id") })
    }

    /// Marks the job completed; completions that arrive together share one statement.
    public func complete(_ lease: JobLease) async throws {
        try await completions.submit(lease)
    }

    private static func complete(_ leases: [JobLease], client: PostgresPool, logger: Logger, now: Date)
        async throws -> [Result<Void, any Error>]
    {
        let rows = try await PostgresFailure.retryingConflictOnce(logger: logger) {
            try await client.rows(Completion(of: leases, now: now), logger: logger)
        }
        let completed = Set(try rows.map { try $0.string("id") })
        return leases.map {
            completed.contains($0.jobID) ? .success(()) : .failure(JobQueueError.leaseLost($0))
        }
    }

    /// Completes the jobs whose leases still hold, inside the caller's transaction (the one that
    /// stores their results); returns the ids of those completed.
    func complete(_ leases: [JobLease], on connection: PostgresConnection) async throws -> Set<String> {
        guard !leases.isEmpty else { return [] }
        let rows = try await connection.rows(Completion(of: leases, now: now()), logger: logger)
        return Set(try rows.map { try $0.string("id") })
    }

    /// The statement that completes the jobs of `leases` still held, counts them by the minute, and
    /// returns their ids (migration 12's `complete_jobs`).
    struct Completion: PreparedQuery {
        static let sql = Completion(of: [], now: .distantPast).query.sql
        let query: PostgresQuery

        init(of leases: [JobLease], now: Date) {
            query = """
                SELECT completed.id
                FROM complete_jobs(\(leases.map(\.jobID))::text[], \(leases.map(\.attempt))::int8[],
                                   \(leases.map(\.owner))::text[], \(now)::timestamptz) AS completed(id)
                """
        }
    }

    public func fail(_ lease: JobLease, error: JobAttemptError, retryAt: Date?) async throws -> JobState {
        let rows = try await client.rows(
            """
            UPDATE jobs SET
                state = CASE WHEN \(retryAt)::timestamptz IS NOT NULL AND attempt < max_attempts
                    THEN 'scheduled' ELSE 'dead' END,
                run_at = CASE WHEN \(retryAt)::timestamptz IS NOT NULL AND attempt < max_attempts
                    THEN \(retryAt)::timestamptz ELSE run_at END,
                errors = errors || jsonb_build_array(jsonb_build_object(
                    'attempt', \(error.attempt)::int8, 'failed_at', \(error.failedAt.timeIntervalSince1970)::float8,
                    'message', \(error.message)::text)),
                lease_owner = NULL, lease_expires_at = NULL, kind_unknown_since = NULL, updated_at = \(now())
            WHERE id = \(lease.jobID) AND state = 'running' AND attempt = \(lease.attempt)
              AND lease_owner = \(lease.owner)
            RETURNING state
            """, logger: logger)
        guard let state = try rows.first.map({ try $0.string("state") }).flatMap(JobState.init(rawValue:))
        else {
            throw JobQueueError.leaseLost(lease)
        }
        return state
    }

    public func release(_ lease: JobLease) async throws {
        let rows = try await client.rows(
            """
            UPDATE jobs SET state = 'available', attempt = attempt - 1, lease_owner = NULL, lease_expires_at = NULL,
                kind_unknown_since = NULL, updated_at = \(now())
            WHERE id = \(lease.jobID) AND state = 'running' AND attempt = \(lease.attempt)
              AND lease_owner = \(lease.owner)
            RETURNING queue
            """, logger: logger)
        guard let queue = try rows.first?.string("queue") else { throw JobQueueError.leaseLost(lease) }
        notifier.notify(queue: queue)
    }

    public func releaseUnknownKind(_ lease: JobLease, retryAt: Date, grace: Duration, error: JobAttemptError)
        async throws -> JobState
    {
        let now = now()
        // Whether the grace has run out is decided once, on the row the lease holds, locked.
        let rows = try await client.rows(
            """
            WITH unknown AS (
                SELECT id, coalesce(kind_unknown_since, \(now)) <= \(now - grace.seconds) AS expired FROM jobs
                WHERE id = \(lease.jobID) AND state = 'running' AND attempt = \(lease.attempt)
                  AND lease_owner = \(lease.owner)
                FOR UPDATE
            )
            UPDATE jobs SET
                state = CASE WHEN unknown.expired THEN 'dead' ELSE 'scheduled' END,
                attempt = CASE WHEN unknown.expired THEN attempt ELSE attempt - 1 END,
                run_at = CASE WHEN unknown.expired THEN run_at ELSE \(retryAt) END,
                errors = CASE WHEN unknown.expired
                    THEN errors || jsonb_build_array(jsonb_build_object(
                        'attempt', \(error.attempt)::int8, 'failed_at', \(error.failedAt.timeIntervalSince1970)::float8,
                        'message', \(error.message)::text))
                    ELSE errors END,
                kind_unknown_since = CASE WHEN unknown.expired THEN NULL ELSE coalesce(kind_unknown_since, \(now)) END,
                lease_owner = NULL, lease_expires_at = NULL, updated_at = \(now)
            FROM unknown WHERE jobs.id = unknown.id
            RETURNING jobs.state
            """, logger: logger)
        guard let state = try rows.first.map({ try $0.string("state") }).flatMap(JobState.init(rawValue:))
        else {
            throw JobQueueError.leaseLost(lease)
        }
        return state
    }

    public func job(id: String) async throws -> Job? {
        try await client.rows("SELECT \(unescaped: Self.columns) FROM jobs WHERE id = \(id)", logger: logger)
            .first.map(Self.job(from:))
    }

    static func job(from row: PostgresRandomAccessRow) throws -> Job {
        let errorDecoder = JSONDecoder()
        errorDecoder.dateDecodingStrategy = .secondsSince1970
        return Job(
            id: try row.string("id"), queue: try row.string("queue"), kind: try row.string("kind"),
            payload: Data(try row["payload"].decode(ByteBuffer.self).readableBytesView),
            dedupeKey: try row.optionalString("dedupe_key"),
            state: JobState(rawValue: try row.string("state")) ?? .dead, attempt: try row.int("attempt"),
            maxAttempts: try row.int("max_attempts"), runAt: try row.date("run_at"),
            leaseOwner: try row.optionalString("lease_owner"),
            leaseExpiresAt: try row.optionalDate("lease_expires_at"),
            errors: try errorDecoder.decode([JobAttemptError].self, from: row.textData("errors")),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            completedAt: try row.optionalDate("completed_at"))
    }
}

extension PostgresQuery.StringInterpolation {
    /// The columns of `jobs`, one array bind each, in the order of
    /// ``PostgresJobDriver/requestedColumns``: the arguments of the `unnest` that makes `requested`.
    mutating func appendInterpolation(arraysOf jobs: [Job]) {
        appendInterpolation(jobs.map(\.id))
        appendLiteral("::text[], ")
        appendInterpolation(jobs.map(\.queue))
        appendLiteral("::text[], ")
        appendInterpolation(jobs.map(\.kind))
        appendLiteral("::text[], ")
        appendInterpolation(jobs.map { ByteBuffer(bytes: $0.payload) })
        appendLiteral("::bytea[], ")
        appendInterpolation(jobs.map { $0.dedupeKey ?? "" })
        appendLiteral("::text[], ")
        appendInterpolation(jobs.map(\.state.rawValue))
        appendLiteral("::text[], ")
        appendInterpolation(jobs.map(\.maxAttempts))
        appendLiteral("::int8[], ")
        appendInterpolation(jobs.map(\.runAt))
        appendLiteral("::timestamptz[], ")
        appendInterpolation(jobs.map { $0.leaseOwner ?? "" })
        appendLiteral("::text[], ")
        appendInterpolation(jobs.map { $0.leaseExpiresAt ?? $0.runAt })
        appendLiteral("::timestamptz[]")
    }
}
