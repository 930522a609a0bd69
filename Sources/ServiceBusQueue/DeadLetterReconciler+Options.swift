extension DeadLetterReconciler {
    /// How a ``DeadLetterReconciler`` receives from the dead-letter subqueues and backs off when it
    /// cannot.
    public struct Options: Sendable {
        /// How long each receive waits on the broker for a dead-lettered message (a long poll). The
        /// client waits its `receiveGrace` longer for the answer.
        public var receiveWait: Duration
        /// The wait after the first failure (a receive, or the database); it doubles with each
        /// failure in a row.
        public var retryDelay: Duration
        /// The longest wait between failures.
        public var maximumRetryDelay: Duration

        public init(
            receiveWait: Duration = .seconds(30), retryDelay: Duration = .milliseconds(500),
            maximumRetryDelay: Duration = .seconds(30)
        ) {
            self.receiveWait = receiveWait
            self.retryDelay = retryDelay
            self.maximumRetryDelay = maximumRetryDelay
        }

        /// The wait after `failures` failures in a row, and at least what the broker asked.
        func backoff(failures: Int, brokerAsked: Duration?) -> Duration {
            let doubled = retryDelay * (1 << min(max(0, failures - 1), 20))
            return max(min(doubled, maximumRetryDelay), brokerAsked ?? .zero)
        }
    }
}
