import PostgresNIO

extension PostgresMigrations {
    /// Migration 11: the submission status and its counts kept by statement-level triggers.
    ///
    /// Migrations 5, 6, 9 and 10 kept them with row-level triggers: each job claimed, completed or
    /// failed, each evaluation, report and new job called PL/pgSQL once, and that call ran its
    /// statements (reading the submission, its report, its jobs and its evaluation, then the
    /// counts), each through the executor's start and end. In a drain that was over half of
    /// PostgreSQL's CPU time. A batch of jobs updated by one statement now refreshes all of its
    /// submissions in one set-based statement, and a statement's status changes are counted in one
    /// upsert per status and assessment, with the same derivation (migration 10's, set-wise) and
    /// the same slot scheme (migration 6's).
    ///
    /// The refresh reads each submission, its report, jobs and evaluation by index, one
    /// submission at a time. Its plan is generic, made once per connection: so that a plan made
    /// while the tables were small (a connection's first call, on a new database) does not go on
    /// reading a whole table at every call once they are large, it runs with sequential scans,
    /// hash joins and merge joins priced out (each would read a whole table to find a few rows),
    /// and its look-ups are scalar subqueries, which PostgreSQL cannot turn into a
    /// hash of a whole table as it does an `EXISTS`. The trigger functions read only their
    /// transition tables, or a submission by id in a scalar subquery.
    ///
    /// PostgreSQL allows no column list and one event per trigger with transition tables, so the
    /// update triggers fire for every `UPDATE` statement and pick out the rows whose state, attempt,
    /// status or assessment changed. The submissions that change are locked in the order of their
    /// ids before they are written, as batches of jobs are, so that two statements refreshing
    /// overlapping submissions wait for each other instead of deadlocking.
    static let statementLevelStatus = Migration(
        version: 11, name: "submission status and counts kept by statement-level triggers",
        statements: [
            """
            CREATE FUNCTION refresh_submission_statuses(submission_ids text[]) RETURNS void
            LANGUAGE plpgsql
            SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_hashjoin = off
            SET enable_mergejoin = off
            AS $$
            BEGIN
                WITH fresh AS (
                    SELECT s.id, CASE
                        WHEN (SELECT true FROM reports r WHERE r.submission_id = s.id) THEN 'completed'
                        WHEN j.any_dead OR NOT j.any_active THEN 'failed'
                        WHEN (SELECT true FROM evaluations e WHERE e.submission_id = s.id) THEN 'reporting'
                        WHEN j.any_started THEN 'scoring'
                        ELSE 'queued'
                    END AS status
                    FROM unnest(submission_ids) AS changed (id)
                    JOIN submissions s ON s.id = changed.id
                    CROSS JOIN LATERAL (
                        SELECT coalesce(bool_or(state = 'dead'), false) AS any_dead,
                               coalesce(bool_or(state IN ('available', 'scheduled', 'running')), false) AS any_active,
                               coalesce(bool_or(state = 'running' OR attempt > 0), false) AS any_started
                        FROM jobs WHERE dedupe_key = s.id
                    ) AS j
                    -- A report is never removed: a completed submission stays completed.
                    WHERE s.status <> 'completed'
                ), locked AS (
                    SELECT s.id, fresh.status FROM fresh JOIN submissions s ON s.id = fresh.id
                    WHERE s.status <> fresh.status
                    ORDER BY s.id FOR UPDATE OF s
                )
                UPDATE submissions SET status = locked.status
                FROM locked WHERE submissions.id = locked.id AND submissions.status <> locked.status;
            END
            $$
            """,
            // The new jobs of a statement: a failed submission is the only one a new job can change.
            """
            CREATE FUNCTION refresh_submission_statuses_of_new_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                failed text[];
            BEGIN
                SELECT array_agg(DISTINCT dedupe_key) INTO failed FROM after_rows
                WHERE (SELECT s.status FROM submissions s WHERE s.id = after_rows.dedupe_key) = 'failed';
                IF failed IS NOT NULL THEN PERFORM refresh_submission_statuses(failed); END IF;
                RETURN NULL;
            END
            $$
            """,
            // The jobs of a statement whose state or attempt changed.
            """
            CREATE FUNCTION refresh_submission_statuses_of_changed_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                changed text[];
            BEGIN
                SELECT array_agg(DISTINCT after_rows.dedupe_key) INTO changed
                FROM after_rows JOIN before_rows ON before_rows.id = after_rows.id
                WHERE after_rows.dedupe_key IS NOT NULL
                  AND (after_rows.state <> before_rows.state OR after_rows.attempt <> before_rows.attempt);
                IF changed IS NOT NULL THEN PERFORM refresh_submission_statuses(changed); END IF;
                RETURN NULL;
            END
            $$
            """,
            // The evaluations or reports of a statement.
            """
            CREATE FUNCTION refresh_submission_statuses_of_results() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                results text[];
            BEGIN
                SELECT array_agg(DISTINCT submission_id) INTO results FROM after_rows;
                IF results IS NOT NULL THEN PERFORM refresh_submission_statuses(results); END IF;
                RETURN NULL;
            END
            $$
            """,
            // A statement's submissions counted in (+1) or out (-1) of their status and assessment,
            // summed per status and assessment, in the slot this transaction holds.
            """
            CREATE FUNCTION count_submission_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                slot_held integer;
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    IF NOT EXISTS (SELECT 1 FROM after_rows) THEN RETURN NULL; END IF;
                    slot_held := submission_count_slot();
                    INSERT INTO submission_counts AS c (status, assessment_id, slot, total)
                    SELECT status, assessment_id, slot_held, count(*) FROM after_rows
                    GROUP BY 1, 2 ORDER BY 1, 2
                    ON CONFLICT (status, assessment_id, slot) DO UPDATE SET total = c.total + excluded.total;
                ELSIF TG_OP = 'DELETE' THEN
                    IF NOT EXISTS (SELECT 1 FROM before_rows) THEN RETURN NULL; END IF;
                    slot_held := submission_count_slot();
                    INSERT INTO submission_counts AS c (status, assessment_id, slot, total)
                    SELECT status, assessment_id, slot_held, -count(*) FROM before_rows
                    GROUP BY 1, 2 ORDER BY 1, 2
                    ON CONFLICT (status, assessment_id, slot) DO UPDATE SET total = c.total + excluded.total;
                ELSE
                    IF NOT EXISTS (
                        SELECT 1 FROM after_rows JOIN before_rows ON before_rows.id = after_rows.id
                        WHERE after_rows.status <> before_rows.status
                           OR after_rows.assessment_id <> before_rows.assessment_id
                    ) THEN
                        RETURN NULL;
                    END IF;
                    slot_held := submission_count_slot();
                    INSERT INTO submission_counts AS c (status, assessment_id, slot, total)
                    SELECT status, assessment_id, slot_held, sum(change) FROM (
                        SELECT before_rows.status, before_rows.assessment_id, -1 AS change
                        FROM after_rows JOIN before_rows ON before_rows.id = after_rows.id
                        WHERE after_rows.status <> before_rows.status
                           OR after_rows.assessment_id <> before_rows.assessment_id
                        UNION ALL
                        SELECT after_rows.status, after_rows.assessment_id, 1
                        FROM after_rows JOIN before_rows ON before_rows.id = after_rows.id
                        WHERE after_rows.status <> before_rows.status
                           OR after_rows.assessment_id <> before_rows.assessment_id
                    ) AS changes
                    GROUP BY 1, 2 HAVING sum(change) <> 0 ORDER BY 1, 2
                    ON CONFLICT (status, assessment_id, slot) DO UPDATE SET total = c.total + excluded.total;
                END IF;
                RETURN NULL;
            END
            $$
            """,
            "DROP TRIGGER jobs_inserted_submission_status ON jobs",
            "DROP TRIGGER jobs_updated_submission_status ON jobs",
            "DROP TRIGGER evaluations_submission_status ON evaluations",
            "DROP TRIGGER reports_submission_status ON reports",
            "DROP TRIGGER submissions_counted ON submissions",
            "DROP TRIGGER submissions_recounted ON submissions",
            "DROP FUNCTION refresh_submission_status_of_new_job()",
            "DROP FUNCTION refresh_submission_status_of_job()",
            "DROP FUNCTION refresh_submission_status_of_result()",
            "DROP FUNCTION refresh_submission_status(text)",
            "DROP FUNCTION count_submission_status()",
            """
            CREATE TRIGGER jobs_inserted_submission_status AFTER INSERT ON jobs
            REFERENCING NEW TABLE AS after_rows
            FOR EACH STATEMENT EXECUTE FUNCTION refresh_submission_statuses_of_new_jobs()
            """,
            """
            CREATE TRIGGER jobs_updated_submission_status AFTER UPDATE ON jobs
            REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
            FOR EACH STATEMENT EXECUTE FUNCTION refresh_submission_statuses_of_changed_jobs()
            """,
            """
            CREATE TRIGGER evaluations_submission_status AFTER INSERT ON evaluations
            REFERENCING NEW TABLE AS after_rows
            FOR EACH STATEMENT EXECUTE FUNCTION refresh_submission_statuses_of_results()
            """,
            """
            CREATE TRIGGER reports_submission_status AFTER INSERT ON reports
            REFERENCING NEW TABLE AS after_rows
            FOR EACH STATEMENT EXECUTE FUNCTION refresh_submission_statuses_of_results()
            """,
            """
            CREATE TRIGGER submissions_counted AFTER INSERT ON submissions
            REFERENCING NEW TABLE AS after_rows
            FOR EACH STATEMENT EXECUTE FUNCTION count_submission_statuses()
            """,
            """
            CREATE TRIGGER submissions_uncounted AFTER DELETE ON submissions
            REFERENCING OLD TABLE AS before_rows
            FOR EACH STATEMENT EXECUTE FUNCTION count_submission_statuses()
            """,
            """
            CREATE TRIGGER submissions_recounted AFTER UPDATE ON submissions
            REFERENCING OLD TABLE AS before_rows NEW TABLE AS after_rows
            FOR EACH STATEMENT EXECUTE FUNCTION count_submission_statuses()
            """,
        ])
}
