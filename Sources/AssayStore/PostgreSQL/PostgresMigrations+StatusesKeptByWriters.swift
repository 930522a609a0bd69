import PostgresNIO

extension PostgresMigrations {
    /// The setting by which a transaction says that its statements keep the submission statuses and
    /// their counts themselves: while it is `on` (set with `set_config(…, true)`, so for the rest of
    /// the transaction), migration 11's triggers stay quiet.
    static let statusesKeptSetting = "assay.statuses_kept"

    /// The SQL condition, true for every row, that sets ``statusesKeptSetting`` for the rest of the
    /// transaction as a statement reads its rows, before its triggers fire.
    static let keepStatuses = "set_config('\(statusesKeptSetting)', 'on', true) = 'on'"

    /// Migration 13: the two writes every submission makes keep its status and counts themselves.
    ///
    /// Migration 11's triggers derive a submission's status again after every statement that
    /// could change it, and count the change; in a benchmark of `serve` on PostgreSQL their PL/pgSQL
    /// and the statements it runs were about a third of the database's CPU time. The two writes
    /// every submission makes know the status they leave: a submission stored with its job is
    /// `queued`, or `scoring` when the job was handed to a worker as it was stored; a report makes
    /// its submission `completed`, whatever it was. Those statements now set the status and count
    /// it themselves, and set ``statusesKeptSetting`` for their transaction, in which every
    /// trigger stays quiet: the submit's transaction writes new submissions and their jobs, and
    /// the report's writes evaluations, jobs completed and report jobs run inline, none of which
    /// can change a status that a report has made `completed`. Every other write (a claim, a
    /// failure, an admin's retry, an evaluation stored without its report) leaves the setting
    /// off, and the triggers keep the status as before.
    ///
    /// `complete_submissions` locks the submissions in the order of their ids, as the refresh does,
    /// and is planned as it is (sequential scans, hash and merge joins priced out).
    static let statusesKeptByWriters = Migration(
        version: 13, name: "submission statuses kept by the submit and the report themselves",
        statements: [
            """
            CREATE FUNCTION complete_submissions(submission_ids text[]) RETURNS void
            LANGUAGE plpgsql
            SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_hashjoin = off
            SET enable_mergejoin = off
            AS $$
            BEGIN
                WITH locked AS (
                    SELECT s.id, s.status, s.assessment_id
                    FROM unnest(submission_ids) AS reported (id) JOIN submissions s ON s.id = reported.id
                    WHERE s.status <> 'completed'
                    ORDER BY s.id FOR UPDATE OF s
                ), updated AS (
                    UPDATE submissions SET status = 'completed' FROM locked WHERE submissions.id = locked.id
                    RETURNING locked.status AS before, locked.assessment_id
                ), changes AS (
                    SELECT before AS status, assessment_id, -1 AS change FROM updated
                    UNION ALL
                    SELECT 'completed', assessment_id, 1 FROM updated
                )
                INSERT INTO submission_counts AS c (status, assessment_id, slot, total)
                SELECT status, assessment_id, held.slot, sum(change)
                FROM changes CROSS JOIN (SELECT submission_count_slot() AS slot) AS held
                GROUP BY 1, 2, 3 ORDER BY 1, 2
                ON CONFLICT (status, assessment_id, slot) DO UPDATE SET total = c.total + excluded.total;
            END
            $$
            """
        ]
            + triggers.flatMap { trigger -> [PostgresQuery] in
                [
                    "DROP TRIGGER \(unescaped: trigger.name) ON \(unescaped: trigger.table)",
                    """
                    CREATE TRIGGER \(unescaped: trigger.name) AFTER \(unescaped: trigger.event) ON \(unescaped: trigger.table)
                    REFERENCING \(unescaped: trigger.transitionTables) FOR EACH STATEMENT
                    WHEN (current_setting('\(unescaped: statusesKeptSetting)', true) IS DISTINCT FROM 'on')
                    EXECUTE FUNCTION \(unescaped: trigger.function)()
                    """,
                ]
            })

    /// Migration 11's triggers, recreated by migration 13 with its condition.
    private static let triggers:
        [(name: String, event: String, table: String, transitionTables: String, function: String)] = [
            (
                "jobs_inserted_submission_status", "INSERT", "jobs", "NEW TABLE AS after_rows",
                "refresh_submission_statuses_of_new_jobs"
            ),
            (
                "jobs_updated_submission_status", "UPDATE", "jobs",
                "OLD TABLE AS before_rows NEW TABLE AS after_rows",
                "refresh_submission_statuses_of_changed_jobs"
            ),
            (
                "evaluations_submission_status", "INSERT", "evaluations", "NEW TABLE AS after_rows",
                "refresh_submission_statuses_of_results"
            ),
            (
                "reports_submission_status", "INSERT", "reports", "NEW TABLE AS after_rows",
                "refresh_submission_statuses_of_results"
            ),
            (
                "submissions_counted", "INSERT", "submissions", "NEW TABLE AS after_rows",
                "count_submission_statuses"
            ),
            (
                "submissions_uncounted", "DELETE", "submissions", "OLD TABLE AS before_rows",
                "count_submission_statuses"
            ),
            (
                "submissions_recounted", "UPDATE", "submissions",
                "OLD TABLE AS before_rows NEW TABLE AS after_rows",
                "count_submission_statuses"
            ),
        ]
}
