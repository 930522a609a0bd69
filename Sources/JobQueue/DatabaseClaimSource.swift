/// The attempt source of a worker that claims from the database itself: attempts are the jobs that
/// ``JobQueueDriver/claimNextJobs(queue:limit:owner:leaseDuration:overdueBy:)`` claims, with no
/// delivery to renew or settle.
public struct DatabaseClaimSource: JobAttemptSource {
    public let driver: any JobQueueDriver
    /// How long past its run-at a job must be before this source claims it, asked at each claim: zero
    /// in database mode; in Service Bus mode the fallback window, so that the relay publishes a job
    /// first and this source takes only what stayed unpublished (or unreceived) that long.
    public let overdueBy: @Sendable () -> Duration

    public init(driver: any JobQueueDriver, overdueBy: @escaping @Sendable () -> Duration = { .zero }) {
        self.driver = driver
        self.overdueBy = overdueBy
    }

    public func nextAttempts(queue: String, limit: Int, owner: String, leaseDuration: Duration) async throws
        -> [JobAttempt]
    {
        try await driver.claimNextJobs(
            queue: queue, limit: limit, owner: owner, leaseDuration: leaseDuration, overdueBy: overdueBy()
        )
        .compactMap { job in job.lease.map { JobAttempt(job: job, lease: $0) } }
    }

    /// Jobs are announced as they are enqueued, released or retried; the poll finds the others.
    public var announcesWork: Bool { true }

    /// Database claims come with no delivery: nothing to renew.
    public func renew(_ deliveries: [JobDelivery]) async throws {}

    /// Database claims come with no delivery: nothing to settle.
    public func settle(_ delivery: JobDelivery, as settlement: JobAttemptSettlement) async throws {}
}
