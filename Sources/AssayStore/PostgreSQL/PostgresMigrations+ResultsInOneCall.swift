import PostgresNIO

extension PostgresMigrations {
    /// Migration 15: results stored, and their jobs completed, by one call.
    ///
    /// A batch of results took a transaction of six round trips: `BEGIN`, the reports' insert
    /// (which completes their submissions), the evaluations', the report jobs', the completion of
    /// the jobs that made them, `COMMIT`. `store_results` runs the same statements in the same
    /// order inside the one statement that calls it, its own transaction: one round trip. It
    /// serves the batches whose every result completes its submission: reports alone (the report
    /// jobs'), and evaluations each stored with its report, their report jobs run inline. Those
    /// jobs are not stored, only counted among their queue's completions, unless a stored job
    /// holds their dedupe key, as ``PostgresJobDriver/InsertJobs`` does for such a job. It says,
    /// as migration 13's statements do, that its transaction keeps the statuses itself (a report
    /// makes its submission `completed`, whatever else the transaction writes), and returns the
    /// ids of the jobs it completed. Its plans are made as migration 12's are, with scans of whole
    /// tables priced out, so that the look-up of a dedupe key stays a probe of its index.
    static let resultsInOneCall = Migration(
        version: 15, name: "results stored and their jobs completed by one call",
        statements: [
            """
            CREATE FUNCTION store_results(
                report_submission_ids text[], reports text[], generated_at timestamptz[],
                evaluation_submission_ids text[], evaluations text[], evaluated_at timestamptz[],
                inline_queues text[], inline_dedupe_keys text[],
                job_ids text[], attempts bigint[], owners text[], stored_when timestamptz
            ) RETURNS SETOF text
            LANGUAGE plpgsql
            SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off
            AS $$
            DECLARE
                reported text[];
            BEGIN
                PERFORM set_config('\(unescaped: statusesKeptSetting)', 'on', true);
                WITH inserted AS (
                    INSERT INTO reports (submission_id, document, created_at)
                    SELECT submission_id, document::json, created_at
                    FROM unnest(report_submission_ids, reports, generated_at) AS t(submission_id, document, created_at)
                    ON CONFLICT (submission_id) DO NOTHING
                    RETURNING submission_id
                )
                SELECT array_agg(submission_id) INTO reported FROM inserted;
                PERFORM complete_submissions(coalesce(reported, '{}'));
                INSERT INTO evaluations (submission_id, document, created_at)
                SELECT submission_id, document::json, created_at
                FROM unnest(evaluation_submission_ids, evaluations, evaluated_at) AS t(submission_id, document, created_at)
                ON CONFLICT (submission_id) DO NOTHING;
                INSERT INTO job_completions AS c (queue, minute, completed)
                SELECT ran.queue, date_trunc('minute', stored_when), count(*)
                FROM unnest(inline_queues, inline_dedupe_keys) AS ran(queue, dedupe_key)
                WHERE (SELECT true FROM jobs j WHERE j.dedupe_key = NULLIF(ran.dedupe_key, '') AND j.queue = ran.queue)
                      IS NULL
                GROUP BY ran.queue ORDER BY ran.queue
                ON CONFLICT (queue, minute) DO UPDATE SET completed = c.completed + excluded.completed;
                RETURN QUERY SELECT completed.id FROM complete_jobs(job_ids, attempts, owners, stored_when) AS completed(id);
            END
            $$
            """
        ])
}
