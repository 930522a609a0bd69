import Foundation
import JobQueue

/// A job backend that the driver conformance suites run against, with what it can and cannot do,
/// in the way swift-configuration's provider compatibility suite takes a provider.
///
/// A database driver reads time only from the clock it is given, so a case may move time by hand
/// (backoff, lease expiry, retention). A broker keeps time itself and cannot: the cases that move
/// time run only on backends that honour the injected clock, and the others check no instant that
/// only the injected clock could produce.
public protocol JobDriverConformanceBackend: Sendable, CustomStringConvertible {
    /// Whether the driver takes every "now" from the clock ``withDriver(clock:_:)`` gives it.
    var honoursInjectedClock: Bool { get }

    /// Runs `body` with a fresh driver of this backend on `clock`, cleaning up afterwards.
    func withDriver(clock: TestClock, _ body: (any JobQueueDriver) async throws -> Void) async throws
}

extension JobDriverConformanceBackend {
    /// When a lease of `seconds` taken now expires: by the injected clock, exactly; on a backend
    /// with a clock of its own, as the backend reports it, once it is checked to lie ahead.
    public func leaseExpiry(of job: Job, seconds: Double, clock: TestClock) -> Date? {
        honoursInjectedClock
            ? clock.now() + seconds : job.leaseExpiresAt.flatMap { $0 > Date() ? $0 : nil }
    }
}
