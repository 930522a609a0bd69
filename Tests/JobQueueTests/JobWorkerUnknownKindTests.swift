import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// Rolling deploys: a job of a kind one worker does not know waits for a worker that does.
@Suite("Job worker: unknown kinds", .timeLimit(.minutes(2)))
struct JobWorkerUnknownKindTests {
    @Test(
        "a job of a kind this worker does not know is given back without spending an attempt, and run by a worker that knows it"
    )
    func givenBackForAnotherWorker() async throws {
        let driver = MemoryJobDriver()
        var oldOptions = fastOptions()
        oldOptions.unknownKindRetryDelay = .milliseconds(50)
        let ran = JobWorkerTests.Counter()
        let newKind = ClosureHandler(kind: "new-kind") { _ in _ = ran.increment() }
        let id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "new-kind", payload: Data())).job.id
        try await withWorker(driver: driver, handlers: [], options: oldOptions) {
            #expect(try await eventually { try await driver.job(id: id)?.state == .scheduled })
            // Given back several times over, still with every attempt left and no error.
            try await Task.sleep(for: .milliseconds(300))
            let job = try #require(try await driver.job(id: id))
            #expect(job.state != .dead)
            #expect(job.errors.isEmpty)
            #expect(job.attempt <= 1)
            #expect(ran.count == 0)
            try await withWorker(driver: driver, handlers: [newKind], options: fastOptions()) {
                let completed = try await eventually { try await driver.job(id: id)?.state == .completed }
                #expect(completed)
            }
        }
        #expect(ran.count == 1)
        #expect(try await driver.job(id: id)?.attempt == 1, "only the attempt that ran was spent")
    }

    @Test("a job whose kind no worker has known for the grace period is dead, with the reason in its history")
    func deadAfterGrace() async throws {
        let driver = MemoryJobDriver()
        var options = fastOptions()
        options.unknownKindRetryDelay = .milliseconds(20)
        options.unknownKindGrace = .milliseconds(200)
        let id = try await driver.enqueue(JobRequest(queue: "jobs", kind: "mystery", payload: Data())).job.id
        try await withWorker(driver: driver, handlers: [], options: options) {
            let dead = try await eventually { try await driver.job(id: id)?.state == .dead }
            #expect(dead)
        }
        let job = try #require(try await driver.job(id: id))
        #expect(
            job.errors.map(\.message) == ["no handler for job kind 'mystery' on any worker for 0.2 seconds"])
    }
}
