import PostgresNIO

extension PostgresMigrations {
    /// Migration 14: the stored documents are kept as the bytes the service wrote, uncompressed.
    ///
    /// A submission's content, its evaluation and its report were `jsonb`: PostgreSQL parsed each
    /// into its binary form as it was written, and a report (about 2 KB) was then compressed with
    /// pglz, since its row passed the 2 KB at which TOAST starts. Nothing reads inside them: every
    /// read takes a whole document as text (and `jsonb` printed it again for that). As `json` they
    /// are checked to be JSON and stored as they came; with `toast_tuple_target` at its maximum, a
    /// row is compressed only beyond 8 KB. In a table shaped like `reports`, 20,000 sample reports
    /// were inserted in 670 ms as `jsonb`, 410 ms as `json`, 210 ms as `json` uncompressed. The
    /// price: a report takes about 2 KB where it took 1.4 KB. The assessments, written once, stay
    /// as they are.
    ///
    /// Changing a column's type rewrites its table: on a large database this migration holds the
    /// three tables locked while it runs (the reports' table, the largest, took 2.9 s for 100,000
    /// sample reports on the benchmark machine).
    static let documentsAsWritten = Migration(
        version: 14, name: "documents stored as written: json, compressed only beyond 8 KB",
        statements: [
            "ALTER TABLE submissions ALTER COLUMN content TYPE json USING content::json",
            "ALTER TABLE submissions SET (toast_tuple_target = 8160)",
            "ALTER TABLE evaluations ALTER COLUMN document TYPE json USING document::json",
            "ALTER TABLE evaluations SET (toast_tuple_target = 8160)",
            "ALTER TABLE reports ALTER COLUMN document TYPE json USING document::json",
            "ALTER TABLE reports SET (toast_tuple_target = 8160)",
        ])
}
