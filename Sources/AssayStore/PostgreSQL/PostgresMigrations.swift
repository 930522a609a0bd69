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
    ]

    /// Applies the steps this database has not seen yet; returns their versions.
    static func apply(client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
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
                for statement in migration.statements {
                    try await connection.query(statement, logger: logger)
                }
                try await connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                    logger: logger)
                newlyApplied.append(migration.version)
            }
            return newlyApplied
        }
    }
}
