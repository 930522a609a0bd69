/// One attempt a worker is to run: a job claimed in the database under its lease, and the broker
/// delivery that brought it, if one did.
///
/// The delivery travels beside the lease rather than inside it: the lease is the database's fencing
/// token, compared whole by every driver, while the delivery's lock belongs to the broker and is
/// renewed and settled there.
public struct JobAttempt: Sendable, Equatable {
    public var job: Job
    public var lease: JobLease
    /// The broker message this attempt came in, which its source settles and renews; `nil` for a
    /// database claim.
    public var delivery: JobDelivery?

    public init(job: Job, lease: JobLease, delivery: JobDelivery? = nil) {
        self.job = job
        self.lease = lease
        self.delivery = delivery
    }
}
