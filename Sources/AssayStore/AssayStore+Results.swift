import AssayCore
import JobQueue

extension AssayStore {
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
