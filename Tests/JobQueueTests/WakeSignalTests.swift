import JobQueue
import Testing

@Suite("Wake signal", .timeLimit(.minutes(1)))
struct WakeSignalTests {
    @Test("a wake that came before the wait ends it at once, once; the next wait lasts its timeout")
    func earlierWakeIsKeptOnce() async {
        let signal = WakeSignal()
        signal.nudge()
        // An hour: only the kept wake can end it within the suite's time limit.
        await signal.wait(timeout: .seconds(3_600))
        #expect(!signal.takeNewWork(), "a nudge is no new work")
        let start = ContinuousClock.now
        await signal.wait(timeout: .milliseconds(50))
        #expect(ContinuousClock.now - start >= .milliseconds(50), "the wake was taken by the first wait")
    }

    @Test("a wake during the wait ends it and says there is new work")
    func wakeDuringTheWait() async {
        let signal = WakeSignal()
        async let waited: Void = signal.wait(timeout: .seconds(3_600))
        try? await Task.sleep(for: .milliseconds(20))
        signal.wake()
        await waited
        #expect(signal.takeNewWork())
        #expect(!signal.takeNewWork())
    }

    @Test("a cancelled waiter returns")
    func cancelledWaiterReturns() async {
        let signal = WakeSignal()
        let waiter = Task { await signal.wait(timeout: .seconds(3_600)) }
        waiter.cancel()
        await waiter.value
    }
}
