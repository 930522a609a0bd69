extension DeadLetterReconciler {
    /// How a ``DeadLetterReconciler`` receives from the dead-letter subqueues and backs off when it
    /// cannot.
    public struct Options: Sendable {
        /// How long each receive waits on the broker for a dead-lettered message (a long poll). The
        /// client waits its `receiveGrace` longer for the answer.
        public var receiveWait: Duration
        /// How long the reconciler rests after a receive that found nothing. Dead letters are rare,
        /// and a long poll holds one of the HTTP client's connections to the namespace, which the
        /// process's relay and broker worker share.
        public var idleWait: Duration
        /// The wait after the first failure (a receive, or the database); it doubles with each
        /// failure in a row.
        public var retryDelay: Duration
        /// The longest wait between failures.
        public var maximumRetryDelay: Duration

        public init(
            receiveWait: Duration = .seconds(5), idleWait: Duration = .seconds(15),
            retryDelay: Duration = .milliseconds(500), maximumRetryDelay: Duration = .seconds(30)
        ) {
            self.receiveWait = receiveWait
            self.idleWait = idleWait
            self.retryDelay = retryDelay
            self.maximumRetryDelay = maximumRetryDelay
        }

        /// The wait after `failures` failures in a row, and at least what the broker asked.
        func backoff(failures: Int, brokerAsked: Duration?) -> Duration {
            retryDelay.doubled(afterFailures: failures, atMost: maximumRetryDelay, brokerAsked: brokerAsked)
        }
    }
}
