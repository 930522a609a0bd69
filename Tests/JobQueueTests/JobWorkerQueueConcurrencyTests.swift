import AssayTestSupport
import Foundation
import JobQueue
import Synchronization
import Testing

@Suite("A concurrency limit per queue")
struct JobWorkerQueueConcurrencyTests {
    /// How many jobs of each queue run at once, at most.
    final class Gauge: Sendable {
        private let state = Mutex<(running: [String: Int], most: [String: Int])>(([:], [:]))

        func enter(_ queue: String) {
            state.withLock { state in
                state.running[queue, default: 0] += 1
                state.most[queue] = max(state.most[queue] ?? 0, state.running[queue] ?? 0)
            }
        }

        func leave(_ queue: String) { state.withLock { $0.running[queue, default: 0] -= 1 } }

        func most(_ queue: String) -> Int { state.withLock { $0.most[queue] ?? 0 } }
    }

    @Test("a queue with its own limit runs no more than it; the others run at the worker's concurrency")
    func limitPerQueue() async throws {
        let driver = MemoryJobDriver()
        let gauge = Gauge()
        let handler = ClosureHandler(kind: "work") { job in
            gauge.enter(job.queue)
            try? await Task.sleep(for: .milliseconds(100))
            gauge.leave(job.queue)
        }
        var options = fastOptions(queues: ["scarce", "plenty"])
        options.concurrency = 8
        options.queueConcurrency = ["scarce": 2]
        var ids: [String] = []
        try await withWorker(driver: driver, handlers: [handler], options: options) {
            for queue in ["scarce", "plenty"] {
                for _ in 0..<16 {
                    ids.append(
                        try await driver.enqueue(JobRequest(queue: queue, kind: "work", payload: Data())).job
                            .id)
                }
            }
            let done = try await eventually(timeout: .seconds(20)) {
                for id in ids where try await driver.job(id: id)?.state != .completed { return false }
                return true
            }
            #expect(done)
        }
        #expect(gauge.most("scarce") == 2)
        #expect(gauge.most("plenty") > 2)
        #expect(gauge.most("plenty") <= 8)
    }
}
