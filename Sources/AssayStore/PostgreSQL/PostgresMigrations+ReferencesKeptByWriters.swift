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
    /// PostgreSQL's CPU time per submission at 16 connections was about 0.03 ms lower (of 0.2 to
    /// 0.5 ms) in most alternated runs of `scripts/bench-postgres-cpu`, and within the noise in the
    /// others (the README has each pair). SQLite keeps its keys: its check is an index probe inside
    /// the one writer's transaction, with no lock to write. A key already dropped by hand is no
    /// error: the step's end is a schema without them.
    static let referencesKeptByWriters = Migration(
        version: 16, name: "references kept by the writers: no foreign keys",
        statements: [
            "ALTER TABLE reports DROP CONSTRAINT IF EXISTS reports_submission_id_fkey",
            "ALTER TABLE evaluations DROP CONSTRAINT IF EXISTS evaluations_submission_id_fkey",
            "ALTER TABLE submissions DROP CONSTRAINT IF EXISTS submissions_assessment_id_fkey",
        ])
}
