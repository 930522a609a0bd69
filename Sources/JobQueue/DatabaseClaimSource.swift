/// The attempt source of a worker that claims from the database itself: attempts are the due jobs
/// that ``JobQueueDriver/claimNextJobs(queue:limit:owner:leaseDuration:)`` claims, with no delivery
/// to renew or settle.
public struct DatabaseClaimSource: JobAttemptSource {
    public let driver: any JobQueueDriver

    public init(driver: any JobQueueDriver) {
        self.driver = driver
    }

    public func nextAttempts(queue: String, limit: Int, owner: String, leaseDuration: Duration) async throws
        -> [JobAttempt]
    {
        try await driver.claimNextJobs(queue: queue, limit: limit, owner: owner, leaseDuration: leaseDuration)
            .compactMap { job in job.lease.map { JobAttempt(job: job, lease: $0) } }
    }

    /// Database claims come with no delivery: nothing to renew.
    public func renew(_ deliveries: [JobDelivery]) async throws {}

    /// Database claims come with no delivery: nothing to settle.
    public func settle(_ delivery: JobDelivery, as settlement: JobAttemptSettlement) async throws {}
}
