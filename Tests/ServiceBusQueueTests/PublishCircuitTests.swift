import AssayTestSupport
import AzureServiceBus
import Foundation
import ServiceBusQueue
import Testing

@Suite("Publish circuit")
struct PublishCircuitTests {
    struct Refused: Error {}

    @Test("closed, it allows every attempt; a failure opens it until the backoff has passed")
    func opensOnFailure() {
        let clock = TestClock()
        let circuit = PublishCircuit(now: { clock.now() })
        #expect(circuit.state == .init(phase: .closed, since: clock.now()))
        #expect(!circuit.state.isOpen)
        #expect(circuit.allowsAttempt())
        #expect(circuit.allowsAttempt())
        clock.advance(seconds: 5)
        #expect(circuit.recordFailure(Refused()))
        #expect(circuit.state == .init(phase: .open, since: clock.now()))
        #expect(circuit.state.isOpen)
        #expect(!circuit.allowsAttempt())
        clock.advance(seconds: 0.5)
        #expect(!circuit.allowsAttempt())
        // A send that began before the circuit opened fails too: no second opening, no longer wait.
        #expect(!circuit.recordFailure(Refused()))
        clock.advance(seconds: 0.5)
        #expect(circuit.state == .init(phase: .halfOpen, since: clock.now()))
        #expect(circuit.state.isOpen)
    }

    @Test("half-open, it allows one attempt; success closes it")
    func halfOpenProbe() {
        let clock = TestClock()
        let circuit = PublishCircuit(now: { clock.now() })
        circuit.recordFailure(Refused())
        clock.advance(seconds: 1)
        #expect(circuit.allowsAttempt())
        #expect(!circuit.allowsAttempt())
        clock.advance(seconds: 3)
        #expect(circuit.recordSuccess())
        #expect(circuit.state == .init(phase: .closed, since: clock.now()))
        #expect(!circuit.recordSuccess())
        #expect(circuit.allowsAttempt())
        #expect(circuit.allowsAttempt())
    }

    @Test("an attempt given back lets the next caller probe")
    func cancelledProbe() {
        let clock = TestClock()
        let circuit = PublishCircuit(now: { clock.now() })
        circuit.recordFailure(Refused())
        clock.advance(seconds: 1)
        #expect(circuit.allowsAttempt())
        circuit.cancelAttempt()
        #expect(circuit.allowsAttempt())
        #expect(!circuit.allowsAttempt())
    }

    @Test("the backoff doubles with each failure in a row, up to 30 seconds, and starts again once closed")
    func backoff() {
        let clock = TestClock()
        let circuit = PublishCircuit(now: { clock.now() })
        var waits: [Double] = []
        for _ in 0..<8 {
            #expect(circuit.allowsAttempt())
            circuit.recordFailure(Refused())
            var waited = 0.0
            while !circuit.allowsAttempt() {
                clock.advance(seconds: 0.25)
                waited += 0.25
            }
            waits.append(waited)
            circuit.cancelAttempt()
        }
        #expect(waits == [1, 2, 4, 8, 16, 30, 30, 30])
        #expect(circuit.allowsAttempt())
        circuit.recordSuccess()
        circuit.recordFailure(Refused())
        clock.advance(seconds: 1)
        #expect(circuit.allowsAttempt())
    }

    @Test("it waits at least as long as the broker's Retry-After")
    func retryAfter() {
        let clock = TestClock()
        let circuit = PublishCircuit(now: { clock.now() })
        circuit.recordFailure(ServiceBusError.serverBusy(entity: "scoring-jobs", retryAfter: .seconds(10)))
        clock.advance(seconds: 9)
        #expect(!circuit.allowsAttempt())
        clock.advance(seconds: 1)
        #expect(circuit.allowsAttempt())
    }
}
