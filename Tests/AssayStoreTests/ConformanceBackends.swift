import AssayTestSupport

/// The backends the job-driver conformance suites run on: a case that moves time by hand runs on
/// ``withInjectedClock``, every other case on ``all``.
enum ConformanceBackends {
    static let all: [any JobDriverConformanceBackend] = JobDriverBackend.allCases + [WallClockBackend()]

    static let withInjectedClock = all.filter(\.honoursInjectedClock)
}
