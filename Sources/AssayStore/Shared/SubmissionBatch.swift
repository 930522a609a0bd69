import AssayCore
import Foundation
import JobQueue

/// A submission waiting in a batch, its content already encoded.
struct PendingSubmission: Sendable {
    var submission: NewSubmission
    var content: Data
    var job: JobRequest

    init(_ submission: NewSubmission, job: JobRequest) throws {
        self.submission = submission
        content = try AssayJSON.encode(submission.content)
        self.job = job
    }

    /// The status the submission is stored with: `scoring` when its enqueuer's worker takes the
    /// scoring job as it is stored (``JobRequest/leasedTo``), `queued` when a worker must claim it.
    var initialStatus: SubmissionStatus { job.leasedTo == nil ? .queued : .scoring }
}

/// The statements a backend runs, inside one transaction, to store a batch of submissions.
protocol SubmissionBatchTransaction {
    /// Which of these assessment ids exist.
    nonisolated(nonsending) func existingAssessments(_ ids: [String]) async throws -> Set<String>
    /// The stored submissions holding these idempotency keys: key → (submission id, fingerprint).
    nonisolated(nonsending) func submissions(idempotencyKeys keys: [String]) async throws -> [String: (
        id: String, fingerprint: String?
    )]
    /// Inserts the submissions, skipping any whose id or idempotency key is taken, and the job of
    /// each one inserted; returns the ids inserted.
    nonisolated(nonsending) func insertSubmissions(_ batch: [PendingSubmission]) async throws -> Set<String>
    /// One submission with its status.
    nonisolated(nonsending) func submission(id: String) async throws -> SubmissionRecord?
}

/// Stores a batch of submissions with their scoring jobs: the rules, the same on every backend.
///
/// A submission to an unknown assessment fails alone. A submission whose idempotency key is held
/// already (by an earlier request, or by an earlier one in the same batch) returns that submission
/// when its fingerprint matches, and fails with ``StoreError/idempotencyKeyReused(_:)`` when not.
/// A submission whose id is stored already (its first commit succeeded, though its caller was
/// told otherwise) returns the stored one. Every other submission is inserted with its job.
enum SubmissionBatch {
    nonisolated(nonsending) static func insert(
        _ batch: [PendingSubmission], in transaction: some SubmissionBatchTransaction
    )
        async throws -> [Result<SubmissionInsertOutcome, any Error>]
    {
        let known = try await transaction.existingAssessments(
            Array(Set(batch.map(\.submission.assessmentID))))
        let keys = Array(Set(batch.compactMap(\.submission.idempotencyKey)))
        let earlier = keys.isEmpty ? [:] : try await transaction.submissions(idempotencyKeys: keys)

        var results: [Result<SubmissionInsertOutcome, any Error>?] = Array(repeating: nil, count: batch.count)
        var candidates: [Int] = []
        var firstWithKey: [String: Int] = [:]
        // Requests that repeat the key of an earlier one in the batch: they share its outcome, known
        // only after the insert (another transaction may have taken the key meanwhile).
        var repeats: [(index: Int, first: Int)] = []
        for (index, pending) in batch.enumerated() {
            let submission = pending.submission
            if !known.contains(submission.assessmentID) {
                results[index] = .failure(StoreError.assessmentNotFound(submission.assessmentID))
            } else if let key = submission.idempotencyKey, let stored = earlier[key] {
                results[index] = try await replay(stored, of: submission, key: key, in: transaction)
            } else if let key = submission.idempotencyKey, let first = firstWithKey[key] {
                if batch[first].submission.requestFingerprint == submission.requestFingerprint {
                    repeats.append((index, first))
                } else {
                    results[index] = .failure(StoreError.idempotencyKeyReused(key))
                }
            } else {
                if let key = submission.idempotencyKey { firstWithKey[key] = index }
                candidates.append(index)
            }
        }

        let inserted =
            candidates.isEmpty ? [] : try await transaction.insertSubmissions(candidates.map { batch[$0] })
        for index in candidates {
            let submission = batch[index].submission
            if inserted.contains(submission.id) {
                results[index] = .success(.created(record(of: batch[index])))
            } else if let key = submission.idempotencyKey,
                let stored = try await transaction.submissions(idempotencyKeys: [key])[key]
            {
                // Another process committed the same key between our look-up and our insert.
                results[index] = try await replay(stored, of: submission, key: key, in: transaction)
            } else if let stored = try await transaction.submission(id: submission.id) {
                // This very submission was committed before: its batch is written again after a
                // failure that came once its commit had succeeded.
                results[index] = .success(.replayed(stored))
            } else {
                results[index] = .failure(
                    StoreError.unavailable("submission \(submission.id) was not stored"))
            }
        }
        for (index, first) in repeats {
            results[index] = results[first].map { $0.map { .replayed($0.record) } }
        }
        return results.map { $0 ?? .failure(StoreError.unavailable("submission was not stored")) }
    }

    /// The queues of the jobs this batch created for a worker to claim, to wake once it has
    /// committed: a job the enqueuer's worker took as it was stored needs no claim.
    static func queuesToWake(
        _ batch: [PendingSubmission], _ results: [Result<SubmissionInsertOutcome, any Error>]
    )
        -> Set<String>
    {
        Set(
            zip(batch, results).compactMap { pending, result -> String? in
                guard case .success(.created) = result, pending.job.leasedTo == nil else { return nil }
                return pending.job.queue
            })
    }

    nonisolated(nonsending) private static func replay(
        _ stored: (id: String, fingerprint: String?), of submission: NewSubmission, key: String,
        in transaction: some SubmissionBatchTransaction
    ) async throws -> Result<SubmissionInsertOutcome, any Error> {
        guard stored.fingerprint == submission.requestFingerprint,
            let record = try await transaction.submission(id: stored.id)
        else { return .failure(StoreError.idempotencyKeyReused(key)) }
        return .success(.replayed(record))
    }

    /// The record of a submission just inserted, as its batch stored it.
    static func record(of pending: PendingSubmission) -> SubmissionRecord {
        let submission = pending.submission
        return SubmissionRecord(
            id: submission.id, assessmentID: submission.assessmentID, content: submission.content,
            status: pending.initialStatus, createdAt: submission.createdAt)
    }
}
