import AssayStore
import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// A backend the job-driver conformance suite runs against; every driver must pass the same suite.
enum JobDriverBackend: String, CaseIterable, CustomTestStringConvertible {
    case memory
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Runs `body` with a fresh driver of this backend on `clock`, cleaning up afterwards.
    func withDriver(clock: TestClock, _ body: (any JobQueueDriver) async throws -> Void) async throws {
        switch self {
        case .memory:
            try await body(MemoryJobDriver(now: { clock.now() }))
        case .sqlite:
            try await TestDatabase.withStore(.sqlite, now: { clock.now() }) { store, _ in
                try await body(store.jobs)
            }
        case .postgres:
            try await TestDatabase.withStore(.postgres, now: { clock.now() }) { store, _ in
                try await body(store.jobs)
            }
        }
    }
}
