/// Counts of one queue's jobs by state, as the queue-status endpoint reports them.
public struct QueueStatistics: Sendable, Equatable {
    /// Jobs ready to run now.
    public var available: Int
    /// Jobs waiting for a later run-at time (a delay or a retry's backoff).
    public var scheduled: Int
    public var running: Int
    public var dead: Int
    public var completedLastHour: Int
    /// Age of the oldest job that is ready but not yet claimed, in seconds; 0 when none waits.
    public var oldestAvailableAgeSeconds: Double
    /// What backends beside the database count of this queue, by section (``QueueStatusContributor/section``);
    /// empty when the database is the only backend.
    public var extras: [String: QueueStatusExtra]

    public init(
        available: Int = 0, scheduled: Int = 0, running: Int = 0, dead: Int = 0, completedLastHour: Int = 0,
        oldestAvailableAgeSeconds: Double = 0, extras: [String: QueueStatusExtra] = [:]
    ) {
        self.available = available
        self.scheduled = scheduled
        self.running = running
        self.dead = dead
        self.completedLastHour = completedLastHour
        self.oldestAvailableAgeSeconds = oldestAvailableAgeSeconds
        self.extras = extras
    }
}
