import PostgresNIO

extension PostgresMigrations {
    /// Migration 16: the references between the tables are kept by the writers, not checked by
    /// triggers.
    ///
    /// Migration 1's three foreign keys (a submission's assessment, an evaluation's and a report's
    /// submission) made PostgreSQL run a referential-integrity trigger for each row written: a
    /// `SELECT … FOR KEY SHARE` of the referenced row, which also writes a row lock into that row
    /// (a submission's, twice per submission; the one sample assessment's, shared by every
    /// concurrent submission). The writers already keep what the keys promised: a submission is
    /// stored only for an assessment seen to exist (`SubmissionBatch` refuses an unknown one with
    /// `assessmentNotFound`), an evaluation or a report only by the handler of a job that was stored
    /// with its submission, and no assessment or submission is ever deleted. With the keys gone,
    /// PostgreSQL's CPU time per submission at 16 connections went from about 0.24 ms to 0.21 ms
    /// (`scripts/bench-postgres-cpu`, alternating runs). SQLite keeps its keys: its check is an index
    /// probe inside the one writer's transaction, with no lock to write.
    static let referencesKeptByWriters = Migration(
        version: 16, name: "references kept by the writers: no foreign keys",
        statements: [
            "ALTER TABLE reports DROP CONSTRAINT reports_submission_id_fkey",
            "ALTER TABLE evaluations DROP CONSTRAINT evaluations_submission_id_fkey",
            "ALTER TABLE submissions DROP CONSTRAINT submissions_assessment_id_fkey",
        ])
}
