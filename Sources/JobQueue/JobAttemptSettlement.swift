/// What became of an attempt in the database, which its source learns once the worker recorded it,
/// so that it can settle the delivery the attempt came in.
public enum JobAttemptSettlement: Sendable, Equatable {
    /// The job completed.
    case completed
    /// A failed attempt was recorded: the job is `scheduled` for its retry, or `dead`.
    case failed(JobState)
    /// The job went back without spending its attempt (the worker shut down).
    case released
    /// The job went back because this worker does not know its kind: `scheduled` for another
    /// worker, or `dead` once the kind's grace ran out.
    case givenBack(JobState)
    /// Nothing was recorded: the lease was lost or the result refused, so the job belongs to
    /// another attempt.
    case skipped
    /// The result could not be recorded (the database was away); the job's lease will expire and
    /// the attempt be run again.
    case unrecorded
}
