import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered steps applied in order, each once, under an advisory lock so
/// that processes starting together apply each step once.
enum PostgresMigrations {
    struct Migration {
        var version: Int
        var name: String
        var statements: [PostgresQuery]
    }

    /// The advisory lock key of Assay's migrations.
    static let lockKey = 7_305_114_121
    /// How many slots the counts of one status and assessment are split into (see migration 6).
    static let countSlots = 16
    /// The first key of the two-key advisory locks that hold a slot of `submission_counts`.
    static let countLockSpace = 7_305

    static let all: [Migration] = [
        Migration(
            version: 1, name: "assessments, submissions, evaluations, reports, jobs, workers",
            statements: [
                """
                CREATE TABLE assessments (
                    id text PRIMARY KEY,
                    title text NOT NULL,
                    question_count integer NOT NULL,
                    document jsonb NOT NULL,
                    created_at timestamptz NOT NULL)
                """,
                "CREATE INDEX assessments_created ON assessments (created_at, id)",
                """
                CREATE TABLE submissions (
                    id text PRIMARY KEY,
                    assessment_id text NOT NULL REFERENCES assessments (id),
                    content jsonb NOT NULL,
                    idempotency_key text UNIQUE,
                    request_fingerprint text,
                    created_at timestamptz NOT NULL)
                """,
                "CREATE INDEX submissions_created ON submissions (created_at DESC, id)",
                "CREATE INDEX submissions_assessment_created ON submissions (assessment_id, created_at DESC, id)",
                """
                CREATE TABLE evaluations (
                    submission_id text PRIMARY KEY REFERENCES submissions (id),
                    document jsonb NOT NULL,
                    created_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE reports (
                    submission_id text PRIMARY KEY REFERENCES submissions (id),
                    document jsonb NOT NULL,
                    created_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE jobs (
                    id text PRIMARY KEY,
                    queue text NOT NULL,
                    kind text NOT NULL,
                    payload bytea NOT NULL,
                    dedupe_key text,
                    state text NOT NULL CHECK (state IN ('available', 'scheduled', 'running', 'completed', 'dead')),
                    attempt integer NOT NULL DEFAULT 0,
                    max_attempts integer NOT NULL,
                    run_at timestamptz NOT NULL,
                    lease_owner text,
                    lease_expires_at timestamptz,
                    errors jsonb NOT NULL DEFAULT '[]',
                    created_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL,
                    completed_at timestamptz)
                """,
                "CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key, queue) WHERE dedupe_key IS NOT NULL",
                "CREATE INDEX jobs_due ON jobs (queue, run_at) WHERE state IN ('available', 'scheduled')",
                "CREATE INDEX jobs_leased ON jobs (queue, lease_expires_at) WHERE state = 'running'",
                "CREATE INDEX jobs_dead ON jobs (queue, updated_at) WHERE state = 'dead'",
                "CREATE INDEX jobs_completed ON jobs (completed_at) WHERE state = 'completed'",
                """
                CREATE TABLE job_workers (
                    id text PRIMARY KEY,
                    queues text NOT NULL,
                    host text NOT NULL,
                    process_id integer NOT NULL,
                    started_at timestamptz NOT NULL,
                    last_seen_at timestamptz NOT NULL)
                """,
            ]),
        Migration(
            version: 3, name: "completions counted by the minute",
            statements: [
                """
                CREATE TABLE job_completions (
                    queue text NOT NULL,
                    minute timestamptz NOT NULL,
                    completed bigint NOT NULL,
                    PRIMARY KEY (queue, minute))
                """,
                """
                INSERT INTO job_completions (queue, minute, completed)
                SELECT queue, date_trunc('minute', completed_at), count(*) FROM jobs
                WHERE state = 'completed' AND completed_at >= now() - interval '1 hour'
                GROUP BY 1, 2
                """,
            ]),
        Migration(
            version: 4, name: "since when no worker has known a job's kind",
            statements: ["ALTER TABLE jobs ADD COLUMN kind_unknown_since timestamptz"]),
        Migration(
            version: 5, name: "submission status kept in a column",
            statements: [
                "ALTER TABLE submissions ADD COLUMN status text NOT NULL DEFAULT 'queued'",
                "UPDATE submissions s SET status = \(unescaped: SubmissionStatusSQL.expression)",
                "CREATE INDEX submissions_status_created ON submissions (status, created_at DESC, id)",
                """
                CREATE INDEX submissions_assessment_status_created
                ON submissions (assessment_id, status, created_at DESC, id)
                """,
                """
                CREATE FUNCTION refresh_submission_status(submission text) RETURNS void LANGUAGE sql AS $$
                    UPDATE submissions SET status = fresh.status
                    FROM (SELECT \(unescaped: SubmissionStatusSQL.derived(id: "submission")) AS status) AS fresh
                    WHERE submissions.id = submission AND submissions.status <> fresh.status
                $$
                """,
                """
                CREATE FUNCTION refresh_submission_status_of_job() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM refresh_submission_status(NEW.dedupe_key); RETURN NULL; END
                $$
                """,
                """
                CREATE FUNCTION refresh_submission_status_of_result() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM refresh_submission_status(NEW.submission_id); RETURN NULL; END
                $$
                """,
                """
                CREATE TRIGGER jobs_inserted_submission_status AFTER INSERT ON jobs
                FOR EACH ROW WHEN (NEW.dedupe_key IS NOT NULL)
                EXECUTE FUNCTION refresh_submission_status_of_job()
                """,
                """
                CREATE TRIGGER jobs_updated_submission_status AFTER UPDATE OF state, attempt ON jobs
                FOR EACH ROW WHEN (NEW.dedupe_key IS NOT NULL
                                   AND (OLD.state <> NEW.state OR OLD.attempt <> NEW.attempt))
                EXECUTE FUNCTION refresh_submission_status_of_job()
                """,
                """
                CREATE TRIGGER evaluations_submission_status AFTER INSERT ON evaluations
                FOR EACH ROW EXECUTE FUNCTION refresh_submission_status_of_result()
                """,
                """
                CREATE TRIGGER reports_submission_status AFTER INSERT ON reports
                FOR EACH ROW EXECUTE FUNCTION refresh_submission_status_of_result()
                """,
            ]),
        // The counts are split into `countSlots` slots per status and assessment, summed when read.
        // A transaction writes the slot it holds a transaction-scoped advisory lock on (the first
        // free one from its transaction id on), so that concurrent submissions, claims and results
        // never wait on one another's counter row, nor deadlock over two of them; only when every
        // slot is held does a transaction wait for one. A slot alone may go below zero (a
        // submission counted in one slot and uncounted in another); only the sums are meaningful.
        Migration(
            version: 6, name: "submissions counted by status and assessment, in slots",
            statements: [
                """
                CREATE TABLE submission_counts (
                    status text NOT NULL,
                    assessment_id text NOT NULL,
                    slot integer NOT NULL,
                    total bigint NOT NULL,
                    PRIMARY KEY (status, assessment_id, slot))
                """,
                """
                INSERT INTO submission_counts (status, assessment_id, slot, total)
                SELECT status, assessment_id, 0, count(*) FROM submissions GROUP BY 1, 2
                """,
                """
                CREATE FUNCTION submission_count_slot() RETURNS integer LANGUAGE plpgsql AS $$
                DECLARE
                    start_slot integer := (txid_current() % \(unescaped: String(countSlots)))::integer;
                    candidate integer;
                BEGIN
                    FOR step IN 0 .. \(unescaped: String(countSlots - 1)) LOOP
                        candidate := (start_slot + step) % \(unescaped: String(countSlots));
                        IF pg_try_advisory_xact_lock(\(unescaped: String(countLockSpace)), candidate) THEN
                            RETURN candidate;
                        END IF;
                    END LOOP;
                    PERFORM pg_advisory_xact_lock(\(unescaped: String(countLockSpace)), start_slot);
                    RETURN start_slot;
                END
                $$
                """,
                """
                CREATE FUNCTION count_submission_status() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE
                    slot_held integer := submission_count_slot();
                BEGIN
                    IF TG_OP <> 'INSERT' THEN
                        INSERT INTO submission_counts AS c (status, assessment_id, slot, total)
                        VALUES (OLD.status, OLD.assessment_id, slot_held, -1)
                        ON CONFLICT (status, assessment_id, slot) DO UPDATE SET total = c.total - 1;
                    END IF;
                    IF TG_OP <> 'DELETE' THEN
                        INSERT INTO submission_counts AS c (status, assessment_id, slot, total)
                        VALUES (NEW.status, NEW.assessment_id, slot_held, 1)
                        ON CONFLICT (status, assessment_id, slot) DO UPDATE SET total = c.total + 1;
                    END IF;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER submissions_counted AFTER INSERT OR DELETE ON submissions
                FOR EACH ROW EXECUTE FUNCTION count_submission_status()
                """,
                """
                CREATE TRIGGER submissions_recounted AFTER UPDATE OF status, assessment_id ON submissions
                FOR EACH ROW WHEN (OLD.status <> NEW.status OR OLD.assessment_id <> NEW.assessment_id)
                EXECUTE FUNCTION count_submission_status()
                """,
            ]),
        // The jobs table as the outbox of Service Bus mode (see `JobOutbox`). Holding and publishing
        // change neither `state` nor `attempt`, so migration 5's status triggers stay quiet. The
        // relay's scan reads `jobs_unpublished`; the database claim keeps reading `jobs_due`, whose
        // predicate the new one does not imply. Nullable columns without a default: no rewrite.
        Migration(
            version: 7, name: "jobs published to a broker, and the relay's hold",
            statements: [
                "ALTER TABLE jobs ADD COLUMN published_attempt integer",
                "ALTER TABLE jobs ADD COLUMN relay_owner text",
                "ALTER TABLE jobs ADD COLUMN relay_until timestamptz",
                """
                CREATE INDEX jobs_unpublished ON jobs (queue, run_at)
                WHERE state IN ('available', 'scheduled') AND published_attempt IS DISTINCT FROM attempt
                """,
            ]),
        // An admin's retry keeps a job's attempt count going, so that no attempt number (and no
        // Service Bus `MessageId`) is used twice; it gives the job as many attempts as it was first
        // given, kept here at its first retry.
        Migration(
            version: 8, name: "the attempts each run of a retried job gets",
            statements: ["ALTER TABLE jobs ADD COLUMN attempts_per_run integer"]),
        // Migration 5's status derivation, cheaper: the refresh becomes PL/pgSQL, whose statement
        // plans are cached per connection (PostgreSQL before 18 plans a SQL-language function's
        // statements again at every call: five subqueries, several times per submission); and a new
        // job refreshes only a `failed` submission, the one status a job's arrival can change.
        Migration(
            version: 9, name: "submission status refreshed with cached plans, and only when it can change",
            statements: [
                """
                CREATE OR REPLACE FUNCTION refresh_submission_status(submission text) RETURNS void
                LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE submissions SET status = fresh.status
                    FROM (SELECT \(unescaped: SubmissionStatusSQL.derived(id: "submission")) AS status) AS fresh
                    WHERE submissions.id = submission AND submissions.status <> fresh.status;
                END
                $$
                """,
                """
                CREATE FUNCTION refresh_submission_status_of_new_job() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM submissions WHERE id = NEW.dedupe_key AND status = 'failed') THEN
                        PERFORM refresh_submission_status(NEW.dedupe_key);
                    END IF;
                    RETURN NULL;
                END
                $$
                """,
                "DROP TRIGGER jobs_inserted_submission_status ON jobs",
                """
                CREATE TRIGGER jobs_inserted_submission_status AFTER INSERT ON jobs
                FOR EACH ROW WHEN (NEW.dedupe_key IS NOT NULL)
                EXECUTE FUNCTION refresh_submission_status_of_new_job()
                """,
            ]),
        // Migration 9's refresh, cheaper still: it reads the stored status first and leaves a
        // completed submission at once (a report is never removed), reads the submission's jobs in
        // one index scan instead of three, and runs an UPDATE only when the status changes. Most
        // calls change nothing (a scoring job's completion, a report job's claim and completion),
        // and migration 9's UPDATE ran its subqueries and the executor for each. The derivation is
        // `SubmissionStatusSQL.expression`'s, step by step; `SubmissionStatusColumnTests` checks
        // the stored status against that expression after every kind of change.
        Migration(
            version: 10, name: "submission status refreshed only as far as it can change",
            statements: [
                """
                CREATE OR REPLACE FUNCTION refresh_submission_status(submission text) RETURNS void
                LANGUAGE plpgsql AS $$
                DECLARE
                    current text;
                    fresh text;
                    any_dead boolean;
                    any_active boolean;
                    any_started boolean;
                BEGIN
                    SELECT status INTO current FROM submissions WHERE id = submission;
                    IF current IS NULL OR current = 'completed' THEN RETURN; END IF;
                    IF EXISTS (SELECT 1 FROM reports WHERE submission_id = submission) THEN
                        fresh := 'completed';
                    ELSE
                        SELECT coalesce(bool_or(state = 'dead'), false),
                               coalesce(bool_or(state IN ('available', 'scheduled', 'running')), false),
                               coalesce(bool_or(state = 'running' OR attempt > 0), false)
                        INTO any_dead, any_active, any_started
                        FROM jobs WHERE dedupe_key = submission;
                        fresh := CASE
                            WHEN any_dead OR NOT any_active THEN 'failed'
                            WHEN EXISTS (SELECT 1 FROM evaluations WHERE submission_id = submission)
                                THEN 'reporting'
                            WHEN any_started THEN 'scoring'
                            ELSE 'queued'
                        END;
                    END IF;
                    IF fresh <> current THEN
                        UPDATE submissions SET status = fresh WHERE id = submission AND status <> fresh;
                    END IF;
                END
                $$
                """
            ]),
        statementLevelStatus,
        jobCompletion,
        statusesKeptByWriters,
        documentsAsWritten,
        resultsInOneCall,
        referencesKeptByWriters,
        submissionIndexes,
    ]

    /// Applies the steps this database has not seen yet, in one transaction on a connection of
    /// their own (the pool may not be running yet); returns their versions.
    static func apply(url: PostgresDatabaseURL, logger: Logger) async throws -> [Int] {
        let connection = try await PostgresConnection.connect(
            configuration: try url.connectionConfiguration(), id: 0, logger: logger)
        do {
            let applied = try await apply(on: connection, logger: logger)
            try await connection.close()
            return applied
        } catch {
            try? await connection.close()
            throw error
        }
    }

    static func apply(on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        do {
            return try await connection.withTransaction(logger: logger) { connection in
                // A migration may take longer than a request's statement_timeout (a backfill, say).
                try await connection.query("SET LOCAL statement_timeout = 0", logger: logger)
                try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                    """, logger: logger)
                var applied = Set<Int>()
                for try await version in try await connection.query(
                    "SELECT version FROM schema_migrations", logger: logger
                )
                .decode(Int.self) {
                    applied.insert(version)
                }
                var newlyApplied: [Int] = []
                for migration in all where !applied.contains(migration.version) {
                    do {
                        for statement in migration.statements {
                            try await connection.query(statement, logger: logger)
                        }
                    } catch {
                        throw failure(of: migration, error)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                        logger: logger)
                    newlyApplied.append(migration.version)
                }
                return newlyApplied
            }
        } catch let error as PostgresTransactionError {
            // The migration's own error, not the transaction's wrapping of it.
            if let failed = error.closureError as? StoreError { throw failed }
            throw error
        }
    }

    /// A migration's failure in one line: the server's message and SQLSTATE; an outage stays
    /// the outage it is.
    private static func failure(of migration: Migration, _ error: any Error) -> any Error {
        let mapped = PostgresFailure.map(error)
        guard let error = mapped as? PSQLError else { return mapped }
        let reason =
            if let message = error.serverInfo?[.message] {
                "\(message) (SQLSTATE \(error.serverInfo?[.sqlState] ?? "unknown"))"
            } else {
                "\(error.code)"
            }
        return StoreError.migrationFailed(version: migration.version, name: migration.name, reason: reason)
    }
}
