import AzureServiceBus
import JobQueue
import Synchronization

/// One queue's receives for a ``ServiceBusAttemptSource``: how many messages its worker wants, the
/// receive requests in flight, the messages received and not yet handed out, and the back-off after
/// a failed receive.
///
/// Receives are started only for what the worker wants: the receives in flight and the messages
/// waiting never outnumber the free slots the worker last asked for, so no message waits locked
/// for a slot.
final class DeliveryBuffer: Sendable {
    private struct State {
        /// Free slots the worker last asked for, less the attempts handed out since.
        var wanted = 0
        var inFlight = 0
        var received: [ServiceBusReceivedMessage] = []
        /// The last failed receive's error, until the worker has been told.
        var failure: (any Error)?
        /// Failed receives in a row, which the back-off grows with.
        var failures = 0
        var retryAt: ContinuousClock.Instant?
        var closed = false
    }

    /// What the dispatcher of receives is to do next.
    enum Dispatch: Equatable {
        /// Start this many receives now.
        case start(Int)
        /// Wait for more demand, a receive to end, or this long for a back-off to pass.
        case wait(Duration)
        /// The source is shutting down.
        case stop
    }

    private let state = Mutex(State())
    /// Wakes the worker's call waiting for messages.
    let arrivals = WakeSignal()
    /// Wakes the dispatcher when the worker wants more, a receive ended or the source closes.
    let demand = WakeSignal()

    /// Asks for up to `count` messages.
    func want(_ count: Int) {
        state.withLock { $0.wanted = count }
        demand.wake()
    }

    /// How many receives to start, with `receivers` at most in flight: each started one is counted
    /// in flight until ``ended(_:backoff:)``.
    func dispatch(receivers: Int, idle: Duration) -> Dispatch {
        state.withLock { state in
            if state.closed { return .stop }
            if let retryAt = state.retryAt {
                let left = retryAt - .now
                if left > .zero { return .wait(left) }
                state.retryAt = nil
            }
            let count = min(state.wanted, receivers) - state.inFlight - state.received.count
            guard count > 0 else { return .wait(idle) }
            state.inFlight += count
            return .start(count)
        }
    }

    /// Records a receive that ended: its message, if one came, or its failure, which holds the
    /// next receives back by `backoff` of the failures in a row.
    func ended(
        _ result: Result<ServiceBusReceivedMessage?, any Error>, backoff: (_ failures: Int) -> Duration
    ) {
        state.withLock { state in
            state.inFlight -= 1
            switch result {
            case .success(let message?):
                state.failures = 0
                state.received.append(message)
            case .success(nil):
                state.failures = 0
            case .failure(let error):
                // The receives that fail together, as a broker going away makes them, count once,
                // and the worker hears of them once.
                if state.retryAt.map({ $0 <= .now }) ?? true {
                    state.failure = error
                    state.failures += 1
                    state.retryAt = .now + backoff(state.failures)
                }
            }
        }
        arrivals.wake()
        demand.wake()
    }

    /// Takes up to `limit` received messages, and the failure of a receive the worker was not told
    /// of yet when there are none. Taking messages makes room for receives: the dispatcher is woken.
    func take(_ limit: Int) -> (messages: [ServiceBusReceivedMessage], failure: (any Error)?) {
        let taken = state.withLock {
            state -> (messages: [ServiceBusReceivedMessage], failure: (any Error)?) in
            let messages = Array(state.received.prefix(limit))
            state.received.removeFirst(messages.count)
            guard messages.isEmpty else { return (messages, nil) }
            defer { state.failure = nil }
            return ([], state.failure)
        }
        if !taken.messages.isEmpty { demand.wake() }
        return taken
    }

    /// Counts `count` attempts handed out against what the worker wanted.
    func handedOut(_ count: Int) {
        state.withLock { $0.wanted = max(0, $0.wanted - count) }
    }

    /// Starts no receive any more; the receives in flight end by themselves.
    func close() {
        state.withLock { $0.closed = true }
        demand.wake()
        arrivals.wake()
    }

    /// Takes every message received and not handed out, to give back at shutdown.
    func drain() -> [ServiceBusReceivedMessage] {
        state.withLock { state in
            defer { state.received = [] }
            return state.received
        }
    }
}
