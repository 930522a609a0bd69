import AssayCore
import Foundation
import JobQueue
import SQLiteNIO

/// Stores submissions with their scoring jobs, many requests to one transaction.
///
/// Submissions that arrive together are written by one `BEGIN IMMEDIATE` transaction with one
/// multi-row insert for the submissions and one for their jobs, so the cost of the transaction
/// and of each statement is shared.
final class SQLiteSubmissionWriter: Sendable {
    struct Pending: Sendable {
        var submission: NewSubmission
        var content: Data
        var job: JobRequest
    }

    private let batcher: SQLiteTransactionBatcher<Pending, SubmissionInsertOutcome>

    init(pool: SQLiteConnectionPool, jobDriver: SQLiteJobDriver) {
        batcher = SQLiteTransactionBatcher(
            pool: pool,
            body: { batch, connection in try await Self.insert(batch, on: connection, jobDriver: jobDriver) },
            afterCommit: { batch, results in
                let queues = Set(
                    zip(batch, results).compactMap { pending, result -> String? in
                        guard case .success(.created) = result else { return nil }
                        return pending.job.queue
                    })
                for queue in queues { jobDriver.notifier.notify(queue: queue) }
            })
    }

    func insert(_ submission: NewSubmission, job: JobRequest) async throws -> SubmissionInsertOutcome {
        let content = try AssayJSON.encoder().encode(submission.content)
        return try await batcher.submit(Pending(submission: submission, content: content, job: job))
    }

    /// Inserts the batch in the caller's transaction; returns one result per submission, in order.
    private static func insert(
        _ batch: [Pending], on connection: SQLiteConnection, jobDriver: SQLiteJobDriver
    )
        async throws -> [Result<SubmissionInsertOutcome, any Error>]
    {
        let assessmentIDs = Array(Set(batch.map(\.submission.assessmentID)))
        let known = try await connection.run(
            "SELECT id FROM assessments WHERE id IN (\(SQLiteQuery.joined(assessmentIDs.map { "\($0)" })))")
        let knownAssessments = Set(known.compactMap { $0.string("id") })

        let keys = Array(Set(batch.compactMap(\.submission.idempotencyKey)))
        var earlier: [String: (id: String, fingerprint: String?)] = [:]
        if !keys.isEmpty {
            let rows = try await connection.run(
                """
                SELECT id, idempotency_key, request_fingerprint FROM submissions
                WHERE idempotency_key IN (\(SQLiteQuery.joined(keys.map { "\($0)" })))
                """)
            for row in rows {
                guard let key = row.string("idempotency_key"), let id = row.string("id") else { continue }
                earlier[key] = (id, row.string("request_fingerprint"))
            }
        }

        var results: [Result<SubmissionInsertOutcome, any Error>?] = Array(repeating: nil, count: batch.count)
        var toInsert: [Int] = []
        var createdInBatch: [String: Int] = [:]
        for (index, pending) in batch.enumerated() {
            let submission = pending.submission
            guard knownAssessments.contains(submission.assessmentID) else {
                results[index] = .failure(StoreError.assessmentNotFound(submission.assessmentID))
                continue
            }
            guard let key = submission.idempotencyKey else {
                toInsert.append(index)
                continue
            }
            if let first = earlier[key] {
                guard first.fingerprint == submission.requestFingerprint,
                    let record = try await SQLiteStore.submission(id: first.id, on: connection.run)
                else {
                    results[index] = .failure(StoreError.idempotencyKeyReused(key))
                    continue
                }
                results[index] = .success(.replayed(record))
            } else if let firstIndex = createdInBatch[key] {
                let first = batch[firstIndex].submission
                results[index] =
                    first.requestFingerprint == submission.requestFingerprint
                    ? .success(.replayed(created(first))) : .failure(StoreError.idempotencyKeyReused(key))
            } else {
                createdInBatch[key] = index
                toInsert.append(index)
            }
        }

        if !toInsert.isEmpty {
            let rows = toInsert.map { index -> SQLiteQuery in
                let submission = batch[index].submission
                return """
                    (\(submission.id), \(submission.assessmentID), \(json: batch[index].content),
                     \(submission.idempotencyKey), \(submission.requestFingerprint), \(submission.createdAt))
                    """
            }
            try await connection.run(
                """
                INSERT INTO submissions (id, assessment_id, content, idempotency_key, request_fingerprint, created_at)
                VALUES \(SQLiteQuery.joined(rows))
                """)
            _ = try await jobDriver.enqueue(toInsert.map { batch[$0].job }, on: connection)
            for index in toInsert { results[index] = .success(.created(created(batch[index].submission))) }
        }
        return results.map { $0 ?? .failure(StoreError.unavailable("submission was not written")) }
    }

    private static func created(_ submission: NewSubmission) -> SubmissionRecord {
        SubmissionRecord(
            id: submission.id, assessmentID: submission.assessmentID, content: submission.content,
            status: .queued,
            createdAt: submission.createdAt)
    }
}
