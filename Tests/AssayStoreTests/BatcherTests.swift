import Synchronization
import Testing

@testable import AssayStore

/// The batchers' failure and bound rules, against scripted writes.
@Suite("Batchers: failure and bounds", .timeLimit(.minutes(1)))
struct BatcherTests {
    /// Calls its callers' writes one at a time, counting them; the first waits a little, so that
    /// the callers behind it gather into one batch.
    final class CountingWrite: Sendable {
        let calls = Mutex(0)
        let failure: any Error

        init(failing failure: any Error) { self.failure = failure }

        func write(_ batch: [Int]) async throws -> [Result<Int, any Error>] {
            let first = calls.withLock {
                $0 += 1
                return $0 == 1
            }
            if first { try await Task.sleep(for: .milliseconds(200)) }
            throw failure
        }
    }

    /// Submits `count` items at once and returns each caller's error.
    func submitTogether(_ count: Int, to batcher: TransactionBatcher<Int, Int>) async -> [any Error] {
        await withTaskGroup(of: (any Error)?.self) { group in
            for item in 0..<count {
                group.addTask {
                    do {
                        _ = try await batcher.submit(item)
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            return await group.reduce(into: []) { errors, error in if let error { errors.append(error) } }
        }
    }

    @Test("a batch that fails because the database is away fails all of its callers at once")
    func databaseAwayFailsTheBatchOnce() async throws {
        let write = CountingWrite(failing: StoreError.unavailable("down"))
        let batcher = TransactionBatcher<Int, Int>(name: "test", maximumPending: 100, write: write.write)
        let errors = await submitTogether(10, to: batcher)
        #expect(errors.count == 10)
        #expect(errors.allSatisfy { ($0 as? StoreError) == .unavailable("down") })
        // One write per batch (the callers may gather into one or two), none of an item alone.
        #expect(write.calls.withLock { $0 } <= 2)
    }

    @Test("a batch that fails because of its items is written again item by item")
    func itemErrorsAreRetriedAlone() async throws {
        struct BadItem: Error {}
        let write = CountingWrite(failing: BadItem())
        let batcher = TransactionBatcher<Int, Int>(name: "test", maximumPending: 100, write: write.write)
        let errors = await submitTogether(10, to: batcher)
        #expect(errors.count == 10)
        #expect(write.calls.withLock { $0 } == 11)
    }

    @Test("past the bound a request fails at once with overloaded, and the waiting ones are served")
    func boundRefusesAtOnce() async throws {
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let batcher = RequestBatcher<Int, Int>(name: "test", maximumBatch: 10, maximumPending: 2) { items in
            startedContinuation.yield()
            await withCheckedContinuation { continuation in release.withLock { $0 = continuation } }
            return items.map { .success($0 * 10) }
        }
        let first = Task { try await batcher.submit(1) }
        var flushes = started.makeAsyncIterator()
        await flushes.next()
        let waiting = [Task { try await batcher.submit(2) }, Task { try await batcher.submit(3) }]
        // Let both reach the pending list before the one that must be refused.
        try await Task.sleep(for: .milliseconds(100))
        await #expect(throws: StoreError.overloaded(pending: 2)) { _ = try await batcher.submit(4) }
        func releaseFlush() async {
            while release.withLock({ $0 }) == nil { await Task.yield() }
            release.withLock { waiting in
                waiting?.resume()
                waiting = nil
            }
        }
        await releaseFlush()
        #expect(try await first.value == 10)
        await flushes.next()
        await releaseFlush()
        #expect(try await waiting[0].value == 20)
        #expect(try await waiting[1].value == 30)
    }
}
