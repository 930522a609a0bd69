import AssayTestSupport
import Foundation
import JobQueue
import Synchronization
import Testing

@Suite("Database claim source")
struct DatabaseClaimSourceTests {
    @Test("it claims only jobs overdue by the time it is given, asked afresh at each claim")
    func overdueBy() async throws {
        let clock = TestClock()
        let driver = MemoryJobDriver(now: { clock.now() })
        let window = Mutex(Duration.seconds(5))
        let source = DatabaseClaimSource(driver: driver, overdueBy: { window.withLock { $0 } })
        let id = try await driver.enqueue(JobRequest(queue: "q", kind: "k", payload: Data(), dedupeKey: nil))
            .job.id
        func claim() async throws -> [String] {
            try await source.nextAttempts(queue: "q", limit: 5, owner: "w", leaseDuration: .seconds(30))
                .map(\.job.id)
        }
        clock.advance(seconds: 4)
        #expect(try await claim().isEmpty)
        window.withLock { $0 = .seconds(4) }
        #expect(try await claim() == [id])
    }

    @Test("by default it claims every due job")
    func dueByDefault() async throws {
        let driver = MemoryJobDriver()
        let id = try await driver.enqueue(JobRequest(queue: "q", kind: "k", payload: Data(), dedupeKey: nil))
            .job.id
        let attempts = try await DatabaseClaimSource(driver: driver).nextAttempts(
            queue: "q", limit: 5, owner: "w", leaseDuration: .seconds(30))
        #expect(attempts.map(\.job.id) == [id])
    }
}
