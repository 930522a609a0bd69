/// The right of one worker to finish one attempt of a job.
///
/// A driver accepts a completion, failure, release or renewal only while the job is still
/// running under this exact attempt and owner, so a worker that lost its lease cannot
/// overwrite the attempt that replaced it.
public struct JobLease: Sendable, Hashable {
    public var jobID: String
    public var attempt: Int
    public var owner: String

    public init(jobID: String, attempt: Int, owner: String) {
        self.jobID = jobID
        self.attempt = attempt
        self.owner = owner
    }
}
