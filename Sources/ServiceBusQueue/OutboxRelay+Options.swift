extension OutboxRelay {
    /// How a relay holds, sends and waits.
    public struct Options: Sendable {
        /// The most jobs held and sent as one batch.
        public var batchSize: Int
        /// How long the relay holds a batch; longer than ``sendTimeout`` plus the time to mark the
        /// batch published, so that no other relay sends it meanwhile.
        public var holdDuration: Duration
        /// How long the relay waits between looks at the outbox when no job of this process woke it.
        public var pollInterval: Duration
        /// How far past now a published job's run-at is pushed, so that database workers leave it to
        /// the broker until then (`SERVICE_BUS_RECLAIM_SECONDS`).
        public var reclaimWindow: Duration
        /// How long a send may take before it counts as failed (a refused connection may show only
        /// as this).
        public var sendTimeout: Duration

        public init(
            batchSize: Int = 100, holdDuration: Duration = .seconds(10),
            pollInterval: Duration = .milliseconds(500),
            reclaimWindow: Duration = .seconds(60), sendTimeout: Duration = .seconds(5)
        ) {
            self.batchSize = batchSize
            self.holdDuration = holdDuration
            self.pollInterval = pollInterval
            self.reclaimWindow = reclaimWindow
            self.sendTimeout = sendTimeout
        }
    }
}
