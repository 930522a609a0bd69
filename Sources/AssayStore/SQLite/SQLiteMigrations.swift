import Foundation

/// The SQLite schema, as numbered steps applied in order, each once.
enum SQLiteMigrations {
    struct Migration {
        var version: Int
        var name: String
        var statements: [SQLiteQuery]
    }

    static let all: [Migration] = [
        Migration(
            version: 1, name: "assessments, submissions, evaluations, reports, jobs",
            statements: [
                """
                CREATE TABLE assessments (
                    id TEXT PRIMARY KEY,
                    title TEXT NOT NULL,
                    question_count INTEGER NOT NULL,
                    document TEXT NOT NULL,
                    created_at REAL NOT NULL)
                """,
                "CREATE INDEX assessments_created ON assessments (created_at)",
                """
                CREATE TABLE submissions (
                    id TEXT PRIMARY KEY,
                    assessment_id TEXT NOT NULL REFERENCES assessments (id),
                    content TEXT NOT NULL,
                    idempotency_key TEXT UNIQUE,
                    request_fingerprint TEXT,
                    created_at REAL NOT NULL)
                """,
                "CREATE INDEX submissions_created ON submissions (created_at)",
                "CREATE INDEX submissions_assessment_created ON submissions (assessment_id, created_at)",
                """
                CREATE TABLE evaluations (
                    submission_id TEXT PRIMARY KEY REFERENCES submissions (id),
                    document TEXT NOT NULL,
                    created_at REAL NOT NULL)
                """,
                """
                CREATE TABLE reports (
                    submission_id TEXT PRIMARY KEY REFERENCES submissions (id),
                    document TEXT NOT NULL,
                    created_at REAL NOT NULL)
                """,
                """
                CREATE TABLE jobs (
                    id TEXT PRIMARY KEY,
                    queue TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    dedupe_key TEXT,
                    state TEXT NOT NULL CHECK (state IN ('available', 'scheduled', 'running', 'completed', 'dead')),
                    attempt INTEGER NOT NULL DEFAULT 0,
                    max_attempts INTEGER NOT NULL,
                    run_at REAL NOT NULL,
                    lease_owner TEXT,
                    lease_expires_at REAL,
                    errors TEXT NOT NULL DEFAULT '[]',
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    completed_at REAL)
                """,
                "CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key, queue) WHERE dedupe_key IS NOT NULL",
                "CREATE INDEX jobs_due ON jobs (queue, run_at) WHERE state IN ('available', 'scheduled')",
                "CREATE INDEX jobs_leased ON jobs (queue, lease_expires_at) WHERE state = 'running'",
                "CREATE INDEX jobs_state ON jobs (queue, state)",
            ]),
        Migration(
            version: 2, name: "worker heartbeats, dead-letter and prune indexes",
            statements: [
                """
                CREATE TABLE job_workers (
                    id TEXT PRIMARY KEY,
                    queues TEXT NOT NULL,
                    host TEXT NOT NULL,
                    process_id INTEGER NOT NULL,
                    started_at REAL NOT NULL,
                    last_seen_at REAL NOT NULL)
                """,
                "CREATE INDEX jobs_dead ON jobs (queue, updated_at) WHERE state = 'dead'",
                "CREATE INDEX jobs_completed ON jobs (completed_at) WHERE state = 'completed'",
            ]),
        Migration(
            version: 3, name: "completions counted by the minute",
            statements: [
                """
                CREATE TABLE job_completions (
                    queue TEXT NOT NULL,
                    minute REAL NOT NULL,
                    completed INTEGER NOT NULL,
                    PRIMARY KEY (queue, minute))
                """,
                """
                INSERT INTO job_completions (queue, minute, completed)
                SELECT queue, CAST(completed_at / 60 AS INTEGER) * 60.0, count(*) FROM jobs
                WHERE state = 'completed' AND completed_at >= unixepoch('now') - 3600
                GROUP BY 1, 2
                """,
            ]),
        Migration(
            version: 4, name: "since when no worker has known a job's kind",
            statements: ["ALTER TABLE jobs ADD COLUMN kind_unknown_since REAL"]),
        Migration(
            version: 5, name: "submission status kept in a column",
            statements: [
                "ALTER TABLE submissions ADD COLUMN status TEXT NOT NULL DEFAULT 'queued'",
                "UPDATE submissions AS s SET status = \(unsafeRaw: SubmissionStatusSQL.expression)",
                "CREATE INDEX submissions_status_created ON submissions (status, created_at DESC, id)",
                """
                CREATE INDEX submissions_assessment_status_created
                ON submissions (assessment_id, status, created_at DESC, id)
                """,
                """
                CREATE TRIGGER jobs_inserted_submission_status AFTER INSERT ON jobs
                WHEN NEW.dedupe_key IS NOT NULL
                BEGIN
                    UPDATE submissions SET status = \(unsafeRaw: SubmissionStatusSQL.derived(id: "NEW.dedupe_key"))
                    WHERE id = NEW.dedupe_key;
                END
                """,
                """
                CREATE TRIGGER jobs_updated_submission_status AFTER UPDATE OF state, attempt ON jobs
                WHEN NEW.dedupe_key IS NOT NULL AND (OLD.state IS NOT NEW.state OR OLD.attempt IS NOT NEW.attempt)
                BEGIN
                    UPDATE submissions SET status = \(unsafeRaw: SubmissionStatusSQL.derived(id: "NEW.dedupe_key"))
                    WHERE id = NEW.dedupe_key;
                END
                """,
                """
                CREATE TRIGGER evaluations_submission_status AFTER INSERT ON evaluations
                BEGIN
                    UPDATE submissions SET status = \(unsafeRaw: SubmissionStatusSQL.derived(id: "NEW.submission_id"))
                    WHERE id = NEW.submission_id;
                END
                """,
                """
                CREATE TRIGGER reports_submission_status AFTER INSERT ON reports
                BEGIN
                    UPDATE submissions SET status = \(unsafeRaw: SubmissionStatusSQL.derived(id: "NEW.submission_id"))
                    WHERE id = NEW.submission_id;
                END
                """,
            ]),
        Migration(
            version: 6, name: "submissions counted by assessment and status",
            statements: [
                """
                CREATE TABLE submission_counts (
                    status TEXT NOT NULL,
                    assessment_id TEXT NOT NULL,
                    total INTEGER NOT NULL,
                    PRIMARY KEY (status, assessment_id))
                """,
                """
                INSERT INTO submission_counts (status, assessment_id, total)
                SELECT status, assessment_id, count(*) FROM submissions GROUP BY 1, 2
                """,
                """
                CREATE TRIGGER submissions_inserted_count AFTER INSERT ON submissions
                BEGIN
                    INSERT INTO submission_counts (status, assessment_id, total)
                    VALUES (NEW.status, NEW.assessment_id, 1)
                    ON CONFLICT (status, assessment_id) DO UPDATE SET total = total + 1;
                END
                """,
                """
                CREATE TRIGGER submissions_updated_count AFTER UPDATE OF status, assessment_id ON submissions
                WHEN OLD.status IS NOT NEW.status OR OLD.assessment_id IS NOT NEW.assessment_id
                BEGIN
                    UPDATE submission_counts SET total = total - 1
                    WHERE status = OLD.status AND assessment_id = OLD.assessment_id;
                    INSERT INTO submission_counts (status, assessment_id, total)
                    VALUES (NEW.status, NEW.assessment_id, 1)
                    ON CONFLICT (status, assessment_id) DO UPDATE SET total = total + 1;
                END
                """,
                """
                CREATE TRIGGER submissions_deleted_count AFTER DELETE ON submissions
                BEGIN
                    UPDATE submission_counts SET total = total - 1
                    WHERE status = OLD.status AND assessment_id = OLD.assessment_id;
                END
                """,
            ]),
        // The jobs table as the outbox of Service Bus mode (see `JobOutbox`). Holding and publishing
        // change neither `state` nor `attempt`, so migration 5's status triggers stay quiet. The
        // relay's scan reads `jobs_unpublished`; the database claim keeps reading `jobs_due`, whose
        // predicate the new one does not imply.
        Migration(
            version: 7, name: "jobs published to a broker, and the relay's hold",
            statements: [
                "ALTER TABLE jobs ADD COLUMN published_attempt INTEGER",
                "ALTER TABLE jobs ADD COLUMN relay_owner TEXT",
                "ALTER TABLE jobs ADD COLUMN relay_until REAL",
                """
                CREATE INDEX jobs_unpublished ON jobs (queue, run_at)
                WHERE state IN ('available', 'scheduled') AND published_attempt IS NOT attempt
                """,
            ]),
        // An admin's retry keeps a job's attempt count going, so that no attempt number (and no
        // Service Bus `MessageId`) is used twice; it gives the job as many attempts as it was first
        // given, kept here at its first retry.
        Migration(
            version: 8, name: "the attempts each run of a retried job gets",
            statements: ["ALTER TABLE jobs ADD COLUMN attempts_per_run INTEGER"]),
        // Migration 5's triggers wrote the submission's row whenever they derived its status, even
        // when it came out unchanged, which is four times of the seven in a submission's life (its
        // first job, the report job, and each job's completion). SQLite writes a whole row on an
        // update, content included, and the two status indexes with it. Now the row is written
        // only when the status changes, as PostgreSQL's `refresh_submission_status` always did.
        Migration(
            version: 9, name: "submission status written only when it changes",
            statements: [
                "jobs_inserted_submission_status", "jobs_updated_submission_status",
                "evaluations_submission_status", "reports_submission_status",
            ].map { "DROP TRIGGER \(unsafeRaw: $0)" }
                + [
                    """
                    CREATE TRIGGER jobs_inserted_submission_status AFTER INSERT ON jobs
                    WHEN NEW.dedupe_key IS NOT NULL
                    BEGIN \(unsafeRaw: refreshStatus(id: "NEW.dedupe_key")); END
                    """,
                    """
                    CREATE TRIGGER jobs_updated_submission_status AFTER UPDATE OF state, attempt ON jobs
                    WHEN NEW.dedupe_key IS NOT NULL AND (OLD.state IS NOT NEW.state OR OLD.attempt IS NOT NEW.attempt)
                    BEGIN \(unsafeRaw: refreshStatus(id: "NEW.dedupe_key")); END
                    """,
                    """
                    CREATE TRIGGER evaluations_submission_status AFTER INSERT ON evaluations
                    BEGIN \(unsafeRaw: refreshStatus(id: "NEW.submission_id")); END
                    """,
                    """
                    CREATE TRIGGER reports_submission_status AFTER INSERT ON reports
                    BEGIN \(unsafeRaw: refreshStatus(id: "NEW.submission_id")); END
                    """,
                ]),
    ]

    /// The statement a trigger runs to set the status of the submission whose id is the SQL
    /// expression `id`: derived once, and the row left alone when the status is unchanged.
    private static func refreshStatus(id: String) -> String {
        """
        UPDATE submissions SET status = fresh.status
        FROM (SELECT \(SubmissionStatusSQL.derived(id: id)) AS status) AS fresh
        WHERE submissions.id = \(id) AND submissions.status IS NOT fresh.status
        """
    }

    /// Applies the steps this database has not seen yet; safe when several processes start at once.
    static func apply(to pool: SQLiteConnectionPool) async throws -> [Int] {
        try await pool.transaction { connection in
            try connection.run(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)
                """)
            let applied = Set(
                try connection.run("SELECT version FROM schema_migrations").map { $0.int("version") })
            var newlyApplied: [Int] = []
            for migration in all where !applied.contains(migration.version) {
                for statement in migration.statements { try connection.run(statement) }
                try connection.run(
                    """
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(migration.version), \(migration.name), \(Date()))
                    """)
                newlyApplied.append(migration.version)
            }
            return newlyApplied
        }
    }
}
