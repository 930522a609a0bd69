import Foundation

/// How many times a job is tried and how long it waits between tries.
///
/// The wait before retry *n* (counting from 1) is about `base × 4^(n−1)`, capped at `maximum`,
/// with up to ±25 % jitter so that jobs that failed together do not retry together.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt.
    public var maxRetries: Int
    public var base: Duration
    public var maximum: Duration

    public static let `default` = RetryPolicy(maxRetries: 3, base: .seconds(2), maximum: .seconds(300))

    public init(maxRetries: Int, base: Duration, maximum: Duration) {
        self.maxRetries = maxRetries
        self.base = base
        self.maximum = maximum
    }

    /// Attempts in all: the first one and the retries.
    public var maxAttempts: Int { maxRetries + 1 }

    /// The wait before the retry that follows failed attempt `attempt`, before jitter.
    public func nominalDelay(afterAttempt attempt: Int) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let seconds = base.seconds * pow(4, exponent)
        return .seconds(min(seconds, maximum.seconds))
    }

    /// The wait before the next retry, with jitter, and at least `minimum` (a server's `Retry-After`).
    public func delay(
        afterAttempt attempt: Int, atLeast minimum: Duration? = nil,
        jitter: Double = Double.random(in: -0.25...0.25)
    ) -> Duration {
        let jittered = nominalDelay(afterAttempt: attempt).seconds * (1 + jitter)
        let capped = min(jittered, maximum.seconds)
        return .seconds(max(capped, minimum?.seconds ?? 0))
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
