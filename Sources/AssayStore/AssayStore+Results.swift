import AssayCore
import JobQueue

extension AssayStore {
    /// Encodes the evaluation, then stores it as the requirement with an ``EncodedEvaluation`` does.
    public func insertEvaluation(_ evaluation: Evaluation, job: JobRequest, completing lease: JobLease?)
        async throws -> Bool
    {
        try await insertEvaluation(EncodedEvaluation(evaluation), report: nil, job: job, completing: lease)
    }

    /// Encodes the report, then stores it as the requirement with an ``EncodedReport`` does.
    public func insertReport(_ report: Report, completing lease: JobLease?) async throws -> Bool {
        try await insertReport(EncodedReport(report), completing: lease)
    }

    /// Stores an evaluation, once, and enqueues `job` in the same transaction, completing no job
    /// (a seed, a test, an import).
    public func insertEvaluation(_ evaluation: Evaluation, job: JobRequest) async throws {
        _ = try await insertEvaluation(evaluation, job: job, completing: nil)
    }

    /// Stores a report, once, completing no job.
    public func insertReport(_ report: Report) async throws {
        _ = try await insertReport(report, completing: nil)
    }
}
