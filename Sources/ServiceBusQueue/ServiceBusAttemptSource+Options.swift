extension ServiceBusAttemptSource {
    /// How a ``ServiceBusAttemptSource`` receives: how many receives at once, how long each waits on
    /// the broker, and how it backs off when receives fail.
    public struct Options: Sendable {
        /// Receive requests in flight at once per queue, at most; the worker's free slots bound
        /// them too. The REST API gives one message per request, so this is how many messages can
        /// arrive at once.
        public var receivers: Int
        /// How long each receive waits on the broker for a message (a long poll). The client waits
        /// its `receiveGrace` longer for the answer.
        public var receiveWait: Duration
        /// How long a worker's call for attempts waits for a message before it answers none. The
        /// receives go on meanwhile, and a message that arrives ends the wait, as does the worker's
        /// graceful shutdown; a message that arrives between two calls waits for the worker's next
        /// poll.
        public var handOffWait: Duration
        /// The wait after the first failed receive; it doubles with each failure in a row.
        public var retryDelay: Duration
        /// The longest wait between failed receives.
        public var maximumRetryDelay: Duration

        public init(
            receivers: Int = 16, receiveWait: Duration = .seconds(5), handOffWait: Duration = .seconds(5),
            retryDelay: Duration = .milliseconds(500), maximumRetryDelay: Duration = .seconds(15)
        ) {
            self.receivers = max(1, receivers)
            self.receiveWait = receiveWait
            self.handOffWait = handOffWait
            self.retryDelay = retryDelay
            self.maximumRetryDelay = maximumRetryDelay
        }

        /// The wait after `failures` failed receives in a row, and at least what the broker asked.
        func backoff(failures: Int, brokerAsked: Duration?) -> Duration {
            retryDelay.doubled(afterFailures: failures, atMost: maximumRetryDelay, brokerAsked: brokerAsked)
        }
    }
}
