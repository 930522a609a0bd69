import AzureServiceBus
import Foundation
import JobQueue
import Synchronization

/// A circuit breaker over publishing to the broker: while it is open, relays stop sending and the
/// database workers run the jobs that stay unpublished (the submit answer's `queue_mode` is
/// `fallback`).
///
/// Closed, every attempt is allowed. A failure opens it. Open, no attempt is allowed until a backoff
/// has passed (1 s after the first failure, doubling with each failure in a row, at most 30 s, and
/// never shorter than a `Retry-After` the broker asked for); then it is half-open and allows one
/// attempt. That attempt's success closes it; its failure opens it again with the next backoff.
///
/// ```swift
/// guard circuit.allowsAttempt() else { return }
/// do {
///     try await sender.send(batch: messages, to: queue)
///     circuit.recordSuccess()
/// } catch {
///     circuit.recordFailure(error)
/// }
/// ```
///
/// A caller allowed an attempt reports how it went with ``recordSuccess()`` or
/// ``recordFailure(_:)``, or with ``cancelAttempt()`` when it made none (it had nothing to send),
/// so that a half-open circuit lets the next caller probe.
public final class PublishCircuit: Sendable {
    /// Where the circuit is.
    public enum Phase: String, Sendable, Hashable {
        /// Sending as usual.
        case closed
        /// Not sending until the backoff has passed.
        case open
        /// One attempt allowed, to learn whether the broker is back.
        case halfOpen = "half_open"
    }

    /// The circuit's state at one moment.
    public struct Snapshot: Sendable, Hashable {
        public var phase: Phase
        /// When the current phase began.
        public var since: Date

        public init(phase: Phase, since: Date) {
            self.phase = phase
            self.since = since
        }

        /// True unless the circuit is closed: jobs are not being published.
        public var isOpen: Bool { phase != .closed }
    }

    /// The first backoff after a failure.
    public static let firstBackoff = Duration.seconds(1)
    /// The longest backoff, whatever the number of failures in a row.
    public static let longestBackoff = Duration.seconds(30)

    private struct State {
        var phase: Phase = .closed
        var since: Date
        /// Failures since the circuit was last closed.
        var failures = 0
        /// How long the circuit stays open after it last opened.
        var backoff = Duration.zero
        /// Whether the half-open circuit's one attempt was given out and has not reported.
        var probing = false
    }

    private let now: @Sendable () -> Date
    private let current: Mutex<State>

    public init(now: @escaping @Sendable () -> Date = Date.init) {
        self.now = now
        current = Mutex(State(since: now()))
    }

    /// The circuit's phase, and since when.
    public var state: Snapshot {
        let now = now()
        return current.withLock { state in
            Self.halfOpenIfDue(&state, now: now)
            return Snapshot(phase: state.phase, since: state.since)
        }
    }

    /// Whether the caller may send now: always when closed; once the backoff has passed when open,
    /// to one caller at a time.
    public func allowsAttempt() -> Bool {
        let now = now()
        return current.withLock { state in
            Self.halfOpenIfDue(&state, now: now)
            switch state.phase {
            case .closed:
                return true
            case .open:
                return false
            case .halfOpen:
                guard !state.probing else { return false }
                state.probing = true
                return true
            }
        }
    }

    /// Records that the broker accepted a send; returns true when this closed the circuit.
    @discardableResult
    public func recordSuccess() -> Bool {
        let now = now()
        return current.withLock { state in
            guard state.phase != .closed else { return false }
            state = State(since: now)
            return true
        }
    }

    /// Records that a send failed; returns true when this opened the circuit (from closed).
    ///
    /// A failure while the circuit is already open (a send that began before it opened) changes
    /// nothing; a failure of the half-open attempt opens it again, with a longer backoff.
    @discardableResult
    public func recordFailure(_ error: any Error) -> Bool {
        let now = now()
        let asked = (error as? ServiceBusError)?.retryAfter ?? .zero
        return current.withLock { state in
            Self.halfOpenIfDue(&state, now: now)
            guard state.phase != .open else { return false }
            let opened = state.phase == .closed
            state.failures += 1
            state.backoff = Self.firstBackoff.doubled(
                afterFailures: state.failures, atMost: Self.longestBackoff, brokerAsked: asked)
            state.phase = .open
            state.since = now
            state.probing = false
            return opened
        }
    }

    /// Gives back an allowed attempt that was not made, so that a half-open circuit lets the next
    /// caller probe; nothing changes when the circuit is closed or open.
    public func cancelAttempt() {
        current.withLock { $0.probing = false }
    }

    private static func halfOpenIfDue(_ state: inout State, now: Date) {
        guard state.phase == .open, now >= state.since + state.backoff.seconds else { return }
        state.phase = .halfOpen
        state.since = state.since + state.backoff.seconds
        state.probing = false
    }
}
