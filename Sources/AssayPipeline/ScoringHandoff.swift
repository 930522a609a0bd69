import AssayStore
import JobQueue
import Synchronization

/// What `serve` shares between its submit path and its embedded worker: the handoff of new scoring
/// jobs (``JobHandoff``), and the submissions they were handed over with, so that the worker scores
/// a handed submission from the content its request decoded instead of reading it back and decoding
/// it again.
///
/// A submission is held from just before its job is handed over until its scoring job's attempt
/// takes it; a job that is never run (the process stopped first) leaves it held, at most
/// ``maximumHeld`` of them, until the process ends.
public final class ScoringHandoff: Sendable {
    /// The handoff of new scoring jobs to the worker.
    public let jobs = JobHandoff()
    private let submissions = Mutex<[String: SubmissionWork]>([:])
    /// At most this many submissions are held; past it, a handed job reads its submission.
    static let maximumHeld = 4096

    public init() {}

    /// How many submissions are held now.
    public var heldCount: Int { submissions.withLock { $0.count } }

    /// Holds a new submission for the job about to be handed over for it: stored with no
    /// evaluation and no report.
    func hold(_ work: SubmissionWork) {
        submissions.withLock { held in
            if held.count < Self.maximumHeld { held[work.id] = work }
        }
    }

    /// The submission held for `submissionID`, once.
    func take(_ submissionID: String) -> SubmissionWork? {
        submissions.withLock { $0.removeValue(forKey: submissionID) }
    }
}
