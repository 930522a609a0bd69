import PostgresNIO

extension PostgresMigrations {
    /// Migration 17: submissions indexed only as their reads need.
    ///
    /// A submission's row is written twice: stored, then made `completed` with its report. That
    /// update changes `status`, which indexes cover, so it cannot be a HOT update: PostgreSQL adds
    /// an entry to every index of the table, each time. Migration 1 and 5 left six: the key, the
    /// idempotency key's, newest first, newest first of an assessment, and the same two under
    /// each status. Index insertions were the largest single part of PostgreSQL's CPU time in a
    /// benchmark of `serve` (19 % of its samples), and this table's were twelve of them per
    /// submission.
    ///
    /// - The idempotency key's unique constraint indexed every row, `NULL` keys too (a B-tree
    ///   holds them). Most submissions come without a key; a partial unique index holds only those
    ///   with one, and still refuses a key taken twice.
    /// - The two newest-first indexes served lists with no status filter. Such a list now reads the
    ///   newest of each status from the status indexes and keeps the newest of those
    ///   (``PostgresStore/listSubmissions(_:)``): five short index ranges instead of one.
    ///
    /// Eight index entries a submission instead of twelve.
    ///
    /// The new index is built before the constraint goes, in the migration's transaction, so a key
    /// is never left unguarded; building it reads the whole table while holding its writes: 30 ms
    /// for 100,000 submissions (a tenth of them keyed) on the benchmark machine.
    static let submissionIndexes = Migration(
        version: 17, name: "submissions indexed only as their reads need",
        statements: [
            """
            CREATE UNIQUE INDEX submissions_idempotency_key ON submissions (idempotency_key)
            WHERE idempotency_key IS NOT NULL
            """,
            "ALTER TABLE submissions DROP CONSTRAINT IF EXISTS submissions_idempotency_key_key",
            "DROP INDEX IF EXISTS submissions_created",
            "DROP INDEX IF EXISTS submissions_assessment_created",
        ])
}
