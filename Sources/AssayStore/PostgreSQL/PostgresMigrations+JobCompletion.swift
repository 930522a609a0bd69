import PostgresNIO

extension PostgresMigrations {
    /// Migration 12: jobs completed by a function whose plan reads each job by its key.
    ///
    /// A statement prepared on a connection keeps the plan made at its first runs, and on a new
    /// database those run while `jobs` is nearly empty, where reading the whole table, or the whole
    /// index of running jobs, costs less than a look-up per job. Kept as the table grew, that plan
    /// read more at every completion: after 10 s of a benchmark, 11,000 index entries (most of
    /// them left by jobs that ran and moved on) and 900 pages to complete a dozen jobs, 2.5 ms.
    /// Here the plan is made with sequential scans, bitmap scans, hash joins and merge joins priced
    /// out, as migration 11's refresh is, and each lease is looked up by the job's id in a subquery
    /// whose state test stays outside it (inside, it would let the index of running jobs answer).
    ///
    /// The leases are locked in the order of their ids, as every batch of jobs is, so that batches
    /// never deadlock; completions are counted by the minute in the order of their queues.
    static let jobCompletion = Migration(
        version: 12, name: "jobs completed by a function that reads each by its key",
        statements: [
            """
            CREATE FUNCTION complete_jobs(
                job_ids text[], attempts bigint[], owners text[], completed_when timestamptz
            ) RETURNS SETOF text
            LANGUAGE plpgsql
            SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_bitmapscan = off
            SET enable_hashjoin = off SET enable_mergejoin = off
            AS $$
            BEGIN
                RETURN QUERY
                WITH locked AS (
                    SELECT held.id
                    FROM (
                        SELECT lease.id, lease.attempt, lease.owner
                        FROM unnest(job_ids, attempts, owners) AS lease(id, attempt, owner)
                        ORDER BY lease.id
                    ) AS held
                    CROSS JOIN LATERAL (
                        SELECT jobs.state FROM jobs
                        WHERE jobs.id = held.id AND jobs.attempt = held.attempt AND jobs.lease_owner = held.owner
                        OFFSET 0 FOR UPDATE
                    ) AS job
                    WHERE job.state = 'running'
                ), done AS (
                    UPDATE jobs SET state = 'completed', completed_at = completed_when, updated_at = completed_when,
                        lease_owner = NULL, lease_expires_at = NULL
                    FROM locked WHERE jobs.id = locked.id
                    RETURNING jobs.id, jobs.queue
                ), counted AS (
                    INSERT INTO job_completions AS c (queue, minute, completed)
                    SELECT done.queue, date_trunc('minute', completed_when), count(*) FROM done
                    GROUP BY done.queue ORDER BY done.queue
                    ON CONFLICT (queue, minute) DO UPDATE SET completed = c.completed + excluded.completed
                )
                SELECT done.id FROM done;
            END
            $$
            """
        ])
}
