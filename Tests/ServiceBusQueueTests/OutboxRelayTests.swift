import AssayStore
import AssayTestSupport
import AzureServiceBus
import Foundation
import JobQueue
import ServiceBusEmulator
import ServiceBusQueue
import Testing

@Suite("Outbox relay", .timeLimit(.minutes(2)))
struct OutboxRelayTests {
    let harness = RelayHarness()

    func request(_ queue: String = "scoring-jobs", runAt: Date? = nil) -> JobRequest {
        JobRequest(
            queue: queue, kind: queue == "scoring-jobs" ? "score" : "report", payload: Data(), dedupeKey: nil,
            runAt: runAt)
    }

    func allPublished(_ outbox: any JobOutbox) async throws -> Bool {
        try await outbox.unpublishedCounts(queues: RelayHarness.queues).values.allSatisfy { $0 == 0 }
    }

    @Test("enqueued jobs are published once each, as messages named by job and attempt, and marked")
    func publishesOnce() async throws {
        try await TestDatabase.withStore(.sqlite) { store, _ in
            let driver = store.jobs
            let outbox = try #require(driver as? any JobOutbox)
            let options = OutboxRelay.Options(pollInterval: .milliseconds(50), reclaimWindow: .seconds(120))
            try await harness.run(outbox: outbox, notifier: driver.notifier, options: options) { client in
                let scoring = try await driver.enqueue([request(), request(), request()]).map(\.job)
                let report = try await driver.enqueue(request("report-jobs")).job
                #expect(try await eventually { try await allPublished(outbox) })
                let received = try await harness.drain("scoring-jobs", client: client)
                #expect(Set(received.compactMap(\.messageId)) == Set(scoring.map { "\($0.id):0" }))
                #expect(
                    Set(received.compactMap { JobMessage(body: $0.body) })
                        == Set(scoring.map { JobMessage(jobID: $0.id, attempt: 0, kind: "score") }))
                #expect(received.allSatisfy { $0.deliveryCount == 1 })
                let reports = try await harness.drain("report-jobs", client: client)
                #expect(reports.map(\.messageId) == ["\(report.id):0"])
                // Database workers leave the published jobs to the broker for the reclaim window.
                let published = try #require(try await driver.job(id: report.id))
                #expect(published.runAt > Date() + 100)
                #expect(
                    try await driver.claimNextJobs(
                        queue: "report-jobs", limit: 5, owner: "w", leaseDuration: .seconds(30)
                    ).isEmpty)
            }
        }
    }

    @Test("a failed attempt's retry is published as a scheduled message for its retry time")
    func scheduledRetry() async throws {
        let driver = MemoryJobDriver()
        try await harness.run(outbox: driver, notifier: driver.notifier) { client in
            let id = try await driver.enqueue(request()).job.id
            #expect(try await eventually { try await allPublished(driver) })
            let first = try #require(try await harness.drain("scoring-jobs", client: client).first)
            let attempt = try #require(JobMessage(body: first.body))
            let job = try #require(
                try await driver.claimJob(
                    id: id, attempt: attempt.attempt, owner: "broker", leaseDuration: .seconds(30)))
            let retryAt = Date() + 120
            let failure = JobAttemptError(attempt: 1, failedAt: Date(), message: "boom")
            _ = try await driver.fail(try #require(job.lease), error: failure, retryAt: retryAt)
            #expect(try await eventually { try await allPublished(driver) })
            #expect(harness.emulator.namespace.counts(of: "scoring-jobs")?.scheduled == 1)
            #expect(harness.emulator.namespace.counts(of: "scoring-jobs")?.active == 0)
            harness.emulator.clock.advance(by: .seconds(121))
            let retry = try #require(try await client.receive(from: "scoring-jobs", timeout: .seconds(1)))
            #expect(retry.messageId == "\(id):1")
            #expect(
                retry.properties.scheduledEnqueueTime.map { abs($0.timeIntervalSince(retryAt)) < 1 } == true)
        }
    }

    @Test("while sends fail the circuit opens and held jobs are released; publishing resumes by itself")
    func fallbackAndRecovery() async throws {
        let driver = MemoryJobDriver()
        let clock = TestClock(Date())
        let circuit = PublishCircuit(now: { clock.now() })
        harness.emulator.faults.inject(.failing(status: 503, retryAfterSeconds: 1), for: .seconds(3600))
        try await harness.run(outbox: driver, notifier: driver.notifier, circuit: circuit) { client in
            let ids = try await driver.enqueue([request(), request()]).map(\.job.id)
            #expect(try await eventually { circuit.state.isOpen })
            // Released, not marked: another relay (or a database worker) can take them at once.
            #expect(try await driver.unpublishedCounts(queues: ["scoring-jobs"]) == ["scoring-jobs": 2])
            let free = try await driver.holdUnpublished(
                queue: "scoring-jobs", limit: 5, owner: "other", hold: .seconds(30))
            #expect(Set(free.map(\.jobID)) == Set(ids))
            try await driver.releaseHeld(free, owner: "other")

            harness.emulator.faults.clear()
            clock.advance(seconds: 1)
            #expect(try await eventually { try await allPublished(driver) })
            #expect(circuit.state.phase == .closed)
            let received = try await harness.drain("scoring-jobs", client: client)
            #expect(Set(received.compactMap(\.messageId)) == Set(ids.map { "\($0):0" }))
        }
    }

    @Test("a broker that does not answer opens the circuit after the send timeout")
    func sendTimeout() async throws {
        let driver = MemoryJobDriver()
        let circuit = PublishCircuit()
        harness.emulator.faults.inject(.hanging, for: .seconds(3600))
        let options = OutboxRelay.Options(pollInterval: .milliseconds(50), sendTimeout: .milliseconds(200))
        try await harness.run(outbox: driver, notifier: driver.notifier, circuit: circuit, options: options) {
            _ in
            _ = try await driver.enqueue(request())
            #expect(try await eventually { circuit.state.isOpen })
            #expect(try await driver.unpublishedCounts(queues: ["scoring-jobs"]) == ["scoring-jobs": 1])
            harness.emulator.faults.clear()
        }
    }

    @Test("two relays on one database publish every job exactly once")
    func twoRelays() async throws {
        try await TestDatabase.withStore(.sqlite) { store, _ in
            let driver = store.jobs
            let outbox = try #require(driver as? any JobOutbox)
            let options = OutboxRelay.Options(batchSize: 7, pollInterval: .milliseconds(20))
            try await harness.run(outbox: outbox, notifier: driver.notifier, options: options, relays: 2) {
                _ in
                for _ in 0..<10 { _ = try await driver.enqueue((0..<20).map { _ in request() }) }
                // A send that outlasts its 5 s time-out on a loaded machine opens the shared circuit
                // and leaves its batch held for 10 s: publishing every job may take that long more.
                #expect(try await eventually(timeout: .seconds(60)) { try await allPublished(outbox) })
                #expect(harness.emulator.namespace.counts(of: "scoring-jobs")?.active == 200)
            }
        }
    }
}
