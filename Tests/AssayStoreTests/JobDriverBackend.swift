import AssayStore
import Foundation
import JobQueue
import Logging
import Testing

/// A backend the job-driver conformance suite runs against; every driver must pass the same suite.
enum JobDriverBackend: String, CaseIterable, CustomTestStringConvertible {
    case memory
    case sqlite

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh driver of this backend on `clock`, cleaning up afterwards.
    func withDriver(
        clock: TestClock, _ body: (any JobQueueDriver) async throws -> Void
    ) async throws {
        switch self {
        case .memory:
            try await body(MemoryJobDriver(now: { clock.now() }))
        case .sqlite:
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let store = try await SQLiteStore.open(
                path: directory.path("jobs.sqlite"), logger: Logger(label: "test"), now: { clock.now() })
            do {
                try await body(store.jobs)
            } catch {
                try await store.close()
                throw error
            }
            try await store.close()
        }
    }
}
