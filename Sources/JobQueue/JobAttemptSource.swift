/// Where a worker's queue loops get the attempts they run: database claims, or broker deliveries
/// that claim their job by id.
///
/// A source hands out attempts already claimed in the database, each under a lease the worker
/// renews and fences its result with. For an attempt that came with a ``JobDelivery``, the worker
/// renews the delivery's lock beside the lease while the job runs, and once the database holds the
/// attempt's result it tells the source with ``settle(_:as:)``, so that the database is always
/// written first.
public protocol JobAttemptSource: Sendable {
    /// Up to `limit` attempts of `queue`, claimed for `owner` with leases of `leaseDuration`; empty
    /// when none is due. May wait a short while for some, as a broker's receive does.
    func nextAttempts(queue: String, limit: Int, owner: String, leaseDuration: Duration) async throws
        -> [JobAttempt]

    /// Extends the locks of the deliveries of running attempts, all at once. A lock that cannot be
    /// renewed does not stop the attempt: its job's lease decides who runs it.
    func renew(_ deliveries: [JobDelivery]) async throws

    /// Settles the delivery of an attempt whose database result is `settlement`.
    func settle(_ delivery: JobDelivery, as settlement: JobAttemptSettlement) async throws

    /// Whether the work this source hands out is announced on the driver's ``JobNotifier`` as it
    /// comes (jobs enqueued, released or retried), or found by the poll (jobs coming due, leases
    /// lapsing): a queue loop whose last call found the queue empty asks again only once woken
    /// with new work, or at its poll interval. A broker's receive, which waits for deliveries
    /// itself, is asked whenever a slot is free.
    var announcesWork: Bool { get }
}

extension JobAttemptSource {
    public var announcesWork: Bool { false }
}
