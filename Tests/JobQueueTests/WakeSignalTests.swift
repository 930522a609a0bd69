import Testing

@testable import JobQueue

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

    @Test("a wait as long as the poll interval ends at its timeout, kept by the shared deadline watch")
    func longWaitEndsAtItsTimeout() async {
        let signal = WakeSignal()
        let start = ContinuousClock.now
        await signal.wait(timeout: WakeSignal.watchedTimeout)
        let waited = ContinuousClock.now - start
        #expect(waited >= WakeSignal.watchedTimeout)
        #expect(waited < WakeSignal.watchedTimeout + .seconds(5), "waited \(waited)")
    }

    @Test("the timeout of a wait that a wake ended does not end a later wait", arguments: [50, 600])
    func timeoutStaysWithItsWait(milliseconds: Int) async {
        let signal = WakeSignal()
        let timeout = Duration.milliseconds(milliseconds)
        async let woken: Void = signal.wait(timeout: timeout)
        try? await Task.sleep(for: .milliseconds(10))
        signal.nudge()
        await woken
        // The first wait's timeout passes during this one, which only its own ends.
        let start = ContinuousClock.now
        await signal.wait(timeout: timeout * 3)
        #expect(ContinuousClock.now - start >= timeout * 3)
    }
}
