/// The SQL that derives a submission's status, the same on every backend (see ``SubmissionStatus``).
///
/// Completed with a report; failed when a job is dead, or when no job is left to make the report
/// (one was discarded); reporting once evaluated; scoring once the scoring job has started;
/// queued before. The jobs of a submission are those whose dedupe key is its id.
///
/// The status is kept in `submissions.status`, so that a list filtered by it reads an index:
/// triggers on `jobs`, `evaluations` and `reports` derive it again, in the transaction that
/// changes it, whenever a job is enqueued or changes state or attempt, and when an evaluation or
/// a report is stored. Pruning completed jobs leaves it as it was.
enum SubmissionStatusSQL {
    /// A `CASE` expression over the submission aliased `s`.
    static let expression = """
        CASE
            WHEN EXISTS (SELECT 1 FROM reports r WHERE r.submission_id = s.id) THEN 'completed'
            WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.dedupe_key = s.id AND j.state = 'dead') THEN 'failed'
            WHEN NOT EXISTS (SELECT 1 FROM jobs j WHERE j.dedupe_key = s.id
                             AND j.state IN ('available', 'scheduled', 'running')) THEN 'failed'
            WHEN EXISTS (SELECT 1 FROM evaluations e WHERE e.submission_id = s.id) THEN 'reporting'
            WHEN EXISTS (SELECT 1 FROM jobs j WHERE j.dedupe_key = s.id
                         AND (j.state = 'running' OR j.attempt > 0)) THEN 'scoring'
            ELSE 'queued'
        END
        """

    /// The status of the submission whose id is the SQL expression `id`, as a scalar subquery.
    static func derived(id: String) -> String {
        "(SELECT \(expression) FROM submissions s WHERE s.id = \(id))"
    }
}
