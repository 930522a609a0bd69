import AssayTestSupport
import Foundation
import JobQueue

/// The memory driver on the wall clock, ignoring the clock it is given, as a broker backend would:
/// it proves that the conformance suites run on a backend that cannot honour an injected clock.
struct WallClockBackend: JobDriverConformanceBackend {
    var description: String { "memory on the wall clock" }

    var honoursInjectedClock: Bool { false }

    func withDriver(clock: TestClock, _ body: (any JobQueueDriver) async throws -> Void) async throws {
        try await body(MemoryJobDriver())
    }
}
