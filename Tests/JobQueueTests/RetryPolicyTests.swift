import JobQueue
import Testing

@Suite("Retry policy")
struct RetryPolicyTests {
    @Test("the wait grows four times per retry from the base and stops at the maximum")
    func nominal() {
        let policy = RetryPolicy.default
        #expect(policy.maxAttempts == 4)
        #expect(policy.nominalDelay(afterAttempt: 1) == .seconds(2))
        #expect(policy.nominalDelay(afterAttempt: 2) == .seconds(8))
        #expect(policy.nominalDelay(afterAttempt: 3) == .seconds(32))
        #expect(policy.nominalDelay(afterAttempt: 4) == .seconds(128))
        #expect(policy.nominalDelay(afterAttempt: 5) == .seconds(300))
    }

    @Test("jitter stays within a quarter of the wait and under the maximum", arguments: [-0.25, 0, 0.25])
    func jitter(jitter: Double) {
        let policy = RetryPolicy(maxRetries: 3, base: .seconds(2), maximum: .seconds(9))
        #expect(policy.delay(afterAttempt: 1, jitter: jitter) == .seconds(2 * (1 + jitter)))
        #expect(policy.delay(afterAttempt: 2, jitter: jitter) == .seconds(min(8 * (1 + jitter), 9)))
        #expect(policy.delay(afterAttempt: 9, jitter: jitter) <= .seconds(9))
    }

    @Test("a server's Retry-After is a lower bound, even past the maximum")
    func minimum() {
        let policy = RetryPolicy.default
        #expect(policy.delay(afterAttempt: 1, atLeast: .seconds(600), jitter: 0) == .seconds(600))
        #expect(policy.delay(afterAttempt: 1, atLeast: .seconds(1), jitter: 0) == .seconds(2))
    }
}
