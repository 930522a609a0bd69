import AssayCore
import Foundation
import JobQueue

/// Where Assay keeps assessments, submissions, evaluations, reports and their jobs.
///
/// Business rows and the jobs they start commit in one transaction: a stored submission always
/// has its scoring job, and a stored evaluation its report job.
public protocol AssayStore: Sendable {
    /// The job driver that shares this store's database and transactions.
    var jobs: any JobQueueDriver { get }

    /// Applies the migrations this database has not seen; returns their versions.
    @discardableResult
    func migrate() async throws -> [Int]

    /// Checks that the database answers, and takes writes as far as the store can tell.
    func ping() async throws

    /// Stores a new assessment; throws ``StoreError/assessmentExists(_:)`` if its id is taken.
    func insertAssessment(_ assessment: Assessment, at date: Date) async throws
    func assessment(id: String) async throws -> Assessment?
    func listAssessments(limit: Int, offset: Int) async throws -> Page<AssessmentSummary>

    /// Stores a submission and enqueues `job` in the same transaction, or returns the submission
    /// an earlier request with the same idempotency key and fingerprint made.
    func insertSubmission(_ submission: NewSubmission, job: JobRequest) async throws
        -> SubmissionInsertOutcome
    func submission(id: String) async throws -> SubmissionRecord?
    /// The submission with its evaluation and whether its report exists, in one read; what a job
    /// needs. Reads from concurrent jobs may share one statement.
    func submissionWork(id: String) async throws -> SubmissionWork?
    func listSubmissions(_ query: SubmissionQuery) async throws -> Page<SubmissionRecord>

    /// Stores an evaluation, once, and enqueues `job` in the same transaction; with `report` (built
    /// by the scoring job itself, `job` then marked ``JobRequest/ranInline``), stores the report
    /// too, once. A second call for the same submission changes nothing. When `lease` is given and
    /// still holds, its job (the scoring job) is completed in that transaction too, and the answer
    /// is `true`; a lease that was lost completes nothing, and the answer is `false` (the
    /// evaluation is stored all the same: a later attempt finds it).
    func insertEvaluation(
        _ evaluation: EncodedEvaluation, report: EncodedReport?, job: JobRequest, completing lease: JobLease?
    ) async throws -> Bool
    func evaluation(submissionID: String) async throws -> Evaluation?

    /// Stores a report, once; a second call for the same submission changes nothing. When
    /// `lease` is given and still holds, its job (the report job) is completed in the same
    /// transaction, and the answer is `true`.
    func insertReport(_ report: EncodedReport, completing lease: JobLease?) async throws -> Bool
    func report(submissionID: String) async throws -> Report?

    /// Runs what the store needs while it is in use (PostgreSQL's connection pool) until ``close()``
    /// or cancellation, and returns once that has ended. A service group runs it (`StoreService`),
    /// or ``whileRunning(_:)`` around a one-shot use; statements made before it runs wait for it.
    func run() async

    /// Releases the database connections and ends ``run()``.
    func close() async throws
}
