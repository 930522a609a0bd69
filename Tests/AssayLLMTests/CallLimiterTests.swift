import AssayLLM
import AssayTestSupport
import Testing

@Suite("Call limiter")
struct CallLimiterTests {
    @Test("a cancelled waiter stops waiting and frees nothing it did not hold")
    func cancelledWaiter() async throws {
        let limiter = CallLimiter(limit: 1)
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await limiter.run { for await _ in release { break } }
        }
        while limiter.running == 0 { await Task.yield() }
        let waiter = Task { try await limiter.run { 1 } }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(limiter.running == 1)
        releaseContinuation.yield()
        try await holder.value
        #expect(limiter.running == 0)
        #expect(try await limiter.run { 2 } == 2)
    }
}
