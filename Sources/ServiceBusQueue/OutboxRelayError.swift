/// Why a relay could not publish a batch, when the sender itself did not say.
public enum OutboxRelayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broker did not accept the batch within the relay's send timeout (an unreachable host
    /// often shows only as this).
    case sendTimedOut(queue: String, after: Duration)

    public var description: String {
        switch self {
        case .sendTimedOut(let queue, let after):
            "Service Bus did not accept a batch for '\(queue)' within \(after): check that the namespace is "
                + "reachable from this machine"
        }
    }
}
