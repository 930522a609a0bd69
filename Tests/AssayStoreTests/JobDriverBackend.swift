import AssayStore
import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// A database backend the job-driver conformance suites run against; every driver must pass them.
enum JobDriverBackend: String, CaseIterable, JobDriverConformanceBackend {
    case memory
    case sqlite
    case postgres

    var description: String { rawValue }

    var honoursInjectedClock: Bool { true }

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
