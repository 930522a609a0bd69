import AssayTestSupport
import Foundation
import JobQueue
import Logging
import Synchronization
import Testing

@testable import AssayStore

/// Enqueued jobs announced to every process: at once in this one, after the commit in the others.
@Suite("PostgreSQL: jobs announced after their commit", .timeLimit(.minutes(2)))
struct PostgresJobAnnouncerTests {
    /// A `send` that records each queue it is given and waits until let go.
    final class HeldSends: Sendable {
        private let state = Mutex<(sent: [String], waiting: [CheckedContinuation<Void, Never>])>(([], []))

        var sent: [String] { state.withLock { $0.sent } }
        var waiting: Int { state.withLock { $0.waiting.count } }

        func send(_ queue: String) async {
            await withCheckedContinuation { continuation in
                state.withLock {
                    $0.sent.append(queue)
                    $0.waiting.append(continuation)
                }
            }
        }

        func letGo() {
            let waiting = state.withLock { state in
                defer { state.waiting = [] }
                return state.waiting
            }
            for continuation in waiting { continuation.resume() }
        }
    }

    @Test("announcements asked for while one is in flight are covered by a single one after it")
    func burstsAreCoalesced() async throws {
        let sends = HeldSends()
        let notifier = JobNotifier()
        let local = WakeSignal()
        notifier.subscribe(local, to: "scoring-jobs")
        let announcer = PostgresJobAnnouncer(notifier: notifier, logger: TestDatabase.quiet) {
            await sends.send($0)
        }
        async let running: Void = announcer.run()

        announcer.announce(queue: "scoring-jobs")
        #expect(try await eventually { sends.waiting == 1 })
        for _ in 0..<50 { announcer.announce(queue: "scoring-jobs") }
        announcer.announce(queue: "report-jobs")
        #expect(try await eventually { sends.waiting == 2 })
        sends.letGo()
        #expect(try await eventually { sends.waiting == 1 })
        sends.letGo()
        announcer.finish()
        await running

        // This process's workers heard at once; the others get one per queue, and one more for
        // the 50 asked for while the first was in flight.
        // (A signal woken before its wait returns at once; one never woken waits out the 20 s.)
        let started = ContinuousClock.now
        await local.wait(timeout: .seconds(20))
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(sends.sent.sorted() == ["report-jobs", "scoring-jobs", "scoring-jobs"])
    }

    @Test("a job enqueued through one store wakes the workers of another store, through its listener")
    func anotherProcessIsWoken() async throws {
        let database = try await TestDatabase.create(.postgres)
        do {
            let enqueuing = try await PostgresStore.open(url: database.url, logger: TestDatabase.quiet)
            let listeningNotifier = JobNotifier()
            let listening = try await PostgresStore.open(
                url: database.url, migrate: false, notifier: listeningNotifier, logger: TestDatabase.quiet)
            try await enqueuing.whileRunning {
                try await listening.whileRunning {
                    let signal = WakeSignal()
                    listeningNotifier.subscribe(signal, to: "scoring-jobs")
                    let listener = Task { await listening.notificationListener().run() }
                    defer { listener.cancel() }
                    // The listener wakes every queue once it has connected, maybe just before its
                    // LISTEN is in place: from then on, a job every 200 ms until one wakes it.
                    await signal.wait(timeout: .seconds(20))
                    let wokenAt = Mutex<ContinuousClock.Instant?>(nil)
                    let woken = Task {
                        await signal.wait(timeout: .seconds(10))
                        wokenAt.withLock { $0 = ContinuousClock.now }
                    }
                    let started = ContinuousClock.now
                    var index = 0
                    while wokenAt.withLock({ $0 }) == nil {
                        index += 1
                        _ = try await enqueuing.jobs.enqueue(
                            JobRequest(queue: "scoring-jobs", kind: "k", payload: Data("\(index)".utf8)))
                        try await Task.sleep(for: .milliseconds(200))
                    }
                    await woken.value
                    // Nothing else wakes that signal here (no worker polls): it was an announcement.
                    let elapsed = try #require(wokenAt.withLock { $0 }) - started
                    #expect(elapsed < .seconds(9))
                }
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}
