import AssayTestSupport
import AzureServiceBus
import Foundation
import JobQueue
import Logging
import ServiceBusQueue
import ServiceLifecycle
import Synchronization
import Testing

/// How a relay ends, and how it waits when the database or the broker fails.
@Suite("Outbox relay: stopping and waiting", .timeLimit(.minutes(1)))
struct OutboxRelayLifecycleTests {
    func relay(
        outbox: any JobOutbox = MemoryJobDriver(), sender: any JobMessageSender = FailingSender(),
        pollInterval: Duration = .seconds(60)
    ) -> OutboxRelay {
        OutboxRelay(
            outbox: outbox, sender: sender, queues: RelayHarness.queues, circuit: PublishCircuit(),
            notifier: JobNotifier(), options: .init(pollInterval: pollInterval), logger: RelayHarness.quiet)
    }

    @Test("it ends when its task is cancelled")
    func cancellation() async throws {
        let relay = relay()
        let running = Task { try await relay.run() }
        try await Task.sleep(for: .milliseconds(100))
        running.cancel()
        try await running.value
    }

    @Test("it ends at graceful shutdown")
    func gracefulShutdown() async throws {
        let group = ServiceGroup(
            configuration: .init(services: [relay()], gracefulShutdownSignals: [], logger: RelayHarness.quiet)
        )
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a failing outbox is tried again at the poll interval, not in a tight loop")
    func failingOutbox() async throws {
        let outbox = FailingOutbox()
        let relay = relay(outbox: outbox, pollInterval: .milliseconds(100))
        let started = ContinuousClock.now
        let running = Task { try await relay.run() }
        #expect(try await eventually { outbox.calls > 0 })
        try await Task.sleep(for: .milliseconds(500))
        running.cancel()
        try await running.value
        // Two queues, one try each per poll interval (a loaded machine may give fewer), never the
        // thousands of a tight loop.
        let intervals = Int((ContinuousClock.now - started) / .milliseconds(100)) + 2
        #expect(outbox.calls <= 2 * intervals)
    }

    @Test("a failing broker is not sent to again until the circuit half-opens")
    func failingBroker() async throws {
        let driver = MemoryJobDriver()
        _ = try await driver.enqueue(
            JobRequest(queue: "scoring-jobs", kind: "score", payload: Data(), dedupeKey: nil))
        let sender = FailingSender()
        // The circuit's clock stands still: it stays open however long the machine takes.
        let now = Date()
        let relay = OutboxRelay(
            outbox: driver, sender: sender, queues: RelayHarness.queues,
            circuit: PublishCircuit(now: { now }),
            notifier: driver.notifier, options: .init(pollInterval: .milliseconds(20)),
            logger: RelayHarness.quiet)
        let running = Task { try await relay.run() }
        #expect(try await eventually { sender.sends == 1 })
        // Many polls while the circuit is open: none sends.
        try await Task.sleep(for: .milliseconds(500))
        #expect(sender.sends == 1)
        #expect(try await driver.unpublishedCounts(queues: ["scoring-jobs"]) == ["scoring-jobs": 1])
        running.cancel()
        try await running.value
    }

    @Test("with nothing to publish, a half-open circuit asks the broker, and closes once it answers")
    func idleProbe() async throws {
        let sender = ProbedSender()
        let clock = Mutex(Date())
        let circuit = PublishCircuit(now: { clock.withLock { $0 } })
        circuit.recordFailure(ServiceBusError.server(entity: "scoring-jobs", status: 500))
        let relay = OutboxRelay(
            outbox: MemoryJobDriver(), sender: sender, queues: RelayHarness.queues, circuit: circuit,
            notifier: JobNotifier(), options: .init(pollInterval: .milliseconds(20)),
            logger: RelayHarness.quiet)
        let running = Task { try await relay.run() }
        // Open: no probe, however many polls.
        try await Task.sleep(for: .milliseconds(200))
        #expect(sender.probes == 0)
        // Half-open, the broker still away: the probe fails and the circuit opens again.
        clock.withLock { $0 += 5 }
        #expect(try await eventually { sender.probes == 1 && circuit.state.phase == .open })
        try await Task.sleep(for: .milliseconds(200))
        #expect(sender.probes == 1)
        #expect(circuit.state.phase == .open)
        // Half-open again, the broker back: the probe closes the circuit, no job needed.
        sender.answering = true
        clock.withLock { $0 += 60 }
        #expect(try await eventually { circuit.state.phase == .closed })
        #expect(sender.sends == 0)
        running.cancel()
        try await running.value
    }
}

/// A broker that stores nothing sent and answers probes only when told to; counts both.
final class ProbedSender: JobMessageSender {
    private let state = Mutex((answering: false, probes: 0, sends: 0))

    var answering: Bool {
        get { state.withLock { $0.answering } }
        set { state.withLock { $0.answering = newValue } }
    }
    var probes: Int { state.withLock { $0.probes } }
    var sends: Int { state.withLock { $0.sends } }

    func send(batch messages: [ServiceBusMessage], to queue: String) async throws {
        state.withLock { $0.sends += 1 }
        throw ServiceBusError.server(entity: queue, status: 500)
    }

    func probe(queue: String) async throws {
        let answering = state.withLock { state in
            state.probes += 1
            return state.answering
        }
        if !answering { throw ServiceBusError.server(entity: queue, status: 503) }
    }
}
