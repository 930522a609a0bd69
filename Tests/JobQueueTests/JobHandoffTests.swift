import AssayTestSupport
import Foundation
import JobQueue
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Jobs handed to the worker of the process that stores them: stored running under its lease, run
/// with no claim, within its concurrency, and never ahead of a job waiting in the database.
@Suite("Job handoff", .timeLimit(.minutes(1)))
struct JobHandoffTests {
    /// Database claims on the driver, counted; the first `held` claims wait until `release()`.
    final class CountedClaims: JobAttemptSource {
        private struct State {
            var claims = 0
            var held: Int
            var gate: CheckedContinuation<Void, Never>?
            var waiting = false
        }

        let claims: DatabaseClaimSource
        private let state: Mutex<State>

        init(driver: any JobQueueDriver, held: Int = 0) {
            claims = DatabaseClaimSource(driver: driver)
            state = Mutex(State(held: held))
        }

        var count: Int { state.withLock { $0.claims } }
        var isWaiting: Bool { state.withLock { $0.waiting } }
        var announcesWork: Bool { true }

        func release() {
            let gate = state.withLock { state in
                state.waiting = false
                defer { state.gate = nil }
                return state.gate
            }
            gate?.resume()
        }

        func nextAttempts(queue: String, limit: Int, owner: String, leaseDuration: Duration) async throws
            -> [JobAttempt]
        {
            let hold = state.withLock { state in
                state.claims += 1
                guard state.held > 0 else { return false }
                state.held -= 1
                return true
            }
            if hold {
                await withCheckedContinuation { continuation in
                    state.withLock { state in
                        state.gate = continuation
                        state.waiting = true
                    }
                }
            }
            return try await claims.nextAttempts(
                queue: queue, limit: limit, owner: owner, leaseDuration: leaseDuration)
        }

        func renew(_ deliveries: [JobDelivery]) async throws {}
        func settle(_ delivery: JobDelivery, as settlement: JobAttemptSettlement) async throws {}
    }

    func options(concurrency: Int = 4) -> JobWorkerOptions {
        JobWorkerOptions(
            queues: ["jobs"], concurrency: concurrency, leaseDuration: .seconds(30),
            // No poll during a test: claims come only from the start and from announcements.
            pollInterval: .seconds(60), gracePeriod: .seconds(5))
    }

    func request(_ key: String) -> JobRequest {
        JobRequest(queue: "jobs", kind: "work", payload: Data("{}".utf8), dedupeKey: key)
    }

    /// Reserves a slot, stores the job under its lease and hands it over, as an enqueuer does.
    func enqueueHandedOver(_ key: String, handoff: JobHandoff, driver: any JobQueueDriver) async throws
        -> Job?
    {
        guard let reservation = handoff.reserve(queue: "jobs") else { return nil }
        var request = request(key)
        request.leasedTo = reservation.lease
        let result = try await driver.enqueue(request)
        reservation.hand(result.job)
        return result.job
    }

    @Test("a job handed over runs under the lease it was stored with, and no claim is made for it")
    func handedJobRuns() async throws {
        let driver = MemoryJobDriver()
        let source = CountedClaims(driver: driver)
        let handoff = JobHandoff()
        let ran = Mutex<[Job]>([])
        let handler = ClosureHandler(kind: "work") { job in ran.withLock { $0.append(job) } }
        try await withWorker(
            driver: driver, source: source, handoff: handoff, handlers: [handler], options: options()
        ) {
            // Before the worker's first claim found the queue empty, it takes no reservation.
            #expect(try await eventually { source.count == 1 })
            #expect(try await eventually { handoff.reserve(queue: "jobs").map { $0.cancel() } != nil })
            let job = try #require(try await enqueueHandedOver("a", handoff: handoff, driver: driver))
            #expect(job.state == .running)
            #expect(try await eventually { try await driver.job(id: job.id)?.state == .completed })
            #expect(ran.withLock { $0.map(\.id) } == [job.id])
            #expect(ran.withLock { $0.first?.attempt } == 1)
            #expect(source.count == 1, "the handed job needed no claim")
        }
    }

    @Test("reservations never take more than the queue's concurrency, and a claim under way leaves them half")
    func reservationsWithinConcurrency() async throws {
        let driver = MemoryJobDriver()
        let source = CountedClaims(driver: driver, held: 1)
        let handoff = JobHandoff()
        let handler = ClosureHandler(kind: "work") { _ in }
        try await withWorker(
            driver: driver, source: source, handoff: handoff, handlers: [handler], options: options()
        ) {
            let claiming = try await eventually { source.isWaiting }
            #expect(claiming)
            // The first claim asks for 2 of the 4 slots; the other 2 can be reserved meanwhile.
            let during = (0..<3).compactMap { _ in handoff.reserve(queue: "jobs") }
            #expect(during.count == 2)
            source.release()
            // Once it found the queue empty, every slot is free to reserve, and no more.
            let drained = try await eventually {
                handoff.reserve(queue: "jobs").map { $0.cancel() } != nil
            }
            #expect(drained)
            #expect(source.count == 1)
            let after = (0..<3).compactMap { _ in handoff.reserve(queue: "jobs") }
            #expect(after.count == 2)
            for reservation in during + after { reservation.cancel() }
            let again = (0..<5).compactMap { _ in handoff.reserve(queue: "jobs") }
            #expect(again.count == 4)
            for reservation in again { reservation.cancel() }
        }
    }

    @Test("a job announced for a claim stops reservations until a claim has taken it")
    func announcedJobComesFirst() async throws {
        let driver = MemoryJobDriver()
        let source = CountedClaims(driver: driver)
        let handoff = JobHandoff()
        let started = Mutex<[String]>([])
        let gate = TestFlag()
        let handler = ClosureHandler(kind: "work") { job in
            started.withLock { $0.append(job.dedupeKey ?? "") }
            while !gate.isRaised { try await Task.sleep(for: .milliseconds(5)) }
        }
        try await withWorker(
            driver: driver, source: source, handoff: handoff, handlers: [handler],
            options: options(concurrency: 1)
        ) {
            #expect(try await eventually { handoff.reserve(queue: "jobs").map { $0.cancel() } != nil })
            // Announced as it is stored: from then on the slot is the waiting job's.
            let waiting = try await driver.enqueue(request("waiting"))
            #expect(handoff.reserve(queue: "jobs") == nil)
            #expect(try await eventually { started.withLock { $0 } == ["waiting"] })
            #expect(handoff.reserve(queue: "jobs") == nil)
            gate.raise()
            #expect(try await eventually { try await driver.job(id: waiting.job.id)?.state == .completed })
            // Its claim found nothing more: the slot can be reserved again.
            #expect(try await eventually { handoff.reserve(queue: "jobs").map { $0.cancel() } != nil })
        }
    }

    @Test(
        "at shutdown the queue takes no more reservations, and a job reserved before it runs within the grace period"
    )
    func shutdown() async throws {
        let driver = MemoryJobDriver()
        let handoff = JobHandoff()
        let handler = ClosureHandler(kind: "work") { _ in }
        let reserved = Mutex<JobHandoffReservation?>(nil)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let worker = JobWorker(
            driver: driver, handoff: handoff, handlers: [handler], options: options(), logger: logger)
        let group = ServiceGroup(services: [worker], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(
                try await eventually {
                    guard let reservation = handoff.reserve(queue: "jobs") else { return false }
                    reserved.withLock { $0 = reservation }
                    return true
                })
            await group.triggerGracefulShutdown()
            #expect(try await eventually { handoff.reserve(queue: "jobs").map { $0.cancel() } == nil })
            let reservation = try #require(reserved.withLock { $0 })
            var request = request("late")
            request.leasedTo = reservation.lease
            let job = try await driver.enqueue(request).job
            reservation.hand(job)
            try await tasks.waitForAll()
            #expect(try await driver.job(id: job.id)?.state == .completed)
        }
    }
}
