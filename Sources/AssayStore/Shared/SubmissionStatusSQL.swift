/// The SQL that derives a submission's status, the same on every backend (see ``SubmissionStatus``).
///
/// Completed with a report; failed when a job is dead, or when no job is left to make the report
/// (one was discarded); reporting once evaluated; scoring once the scoring job has started;
/// queued before. The jobs of a submission are those whose dedupe key is its id.
enum SubmissionStatusSQL {
    /// A `CASE` expression over the submission aliased `s`, named `status`.
    static let column = """
        CASE
            WHEN EXISTS (SELECT 1 FROM reports r WHERE r.submission_id = s.id) THEN 'completed'
            WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.dedupe_key = s.id AND j.state = 'dead') THEN 'failed'
            WHEN NOT EXISTS (SELECT 1 FROM jobs j WHERE j.dedupe_key = s.id
                             AND j.state IN ('available', 'scheduled', 'running')) THEN 'failed'
            WHEN EXISTS (SELECT 1 FROM evaluations e WHERE e.submission_id = s.id) THEN 'reporting'
            WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.dedupe_key = s.id
                         AND (j.state = 'running' OR j.attempt > 0)) THEN 'scoring'
            ELSE 'queued'
        END AS status
        """
}
