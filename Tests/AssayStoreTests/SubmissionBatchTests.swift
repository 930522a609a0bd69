import AssayCore
import Foundation
import JobQueue
import Synchronization
import Testing

@testable import AssayStore

/// The batch rules against a scripted transaction, for races a real database shows only now and then.
@Suite("Submission batch rules")
struct SubmissionBatchTests {
    /// A transaction in which another one commits key "storm" (submission "theirs") after this
    /// batch looked the key up and before it inserts: nothing of this batch is inserted.
    final class LosingTheRace: SubmissionBatchTransaction, Sendable {
        private let lookups = Mutex(0)
        /// The submissions the batch tried to insert.
        let inserting = Mutex<[String]>([])

        func existingAssessments(_ ids: [String]) async throws -> Set<String> { Set(ids) }

        func submissions(idempotencyKeys keys: [String]) async throws -> [String: (
            id: String, fingerprint: String?
        )] {
            let first = lookups.withLock {
                $0 += 1
                return $0 == 1
            }
            return first ? [:] : ["storm": (id: "theirs", fingerprint: "same-body")]
        }

        func insertSubmissions(_ batch: [PendingSubmission]) async throws -> Set<String> {
            inserting.withLock { $0 += batch.map(\.submission.id) }
            return []
        }

        func submission(id: String) async throws -> SubmissionRecord? {
            SubmissionRecord(
                id: id, assessmentID: "a",
                content: SubmissionContent(
                    candidate: Candidate(name: "Ada", email: "ada@example.com"), answers: []),
                status: .queued, createdAt: Date(timeIntervalSince1970: 0))
        }
    }

    @Test(
        "requests repeating a key in one batch get the submission that holds the key, even another transaction's"
    )
    func repeatsFollowTheStoredSubmission() async throws {
        let batch = try (0..<3).map { index in
            try PendingSubmission(
                NewSubmission(
                    id: "ours-\(index)", assessmentID: "a",
                    content: SubmissionContent(
                        candidate: Candidate(name: "Ada", email: "ada@example.com"), answers: []),
                    idempotencyKey: "storm",
                    requestFingerprint: "same-body", createdAt: Date(timeIntervalSince1970: 0)),
                job: JobRequest(queue: "scoring-jobs", kind: "k", payload: Data(), dedupeKey: "ours-\(index)")
            )
        }
        let transaction = LosingTheRace()
        let results = try await SubmissionBatch.insert(batch, in: transaction)
        #expect(try results.map { try $0.get().record.id } == ["theirs", "theirs", "theirs"])
        #expect(
            transaction.inserting.withLock { $0 } == ["ours-0"], "one insert, for the key's first request")
    }
}
