/// Checks `condition` every `interval` until it holds or `timeout` passes, then once more; tells
/// whether it came to hold.
///
/// The one way the suites wait for what another task or process does. The caller asserts on the
/// answer, so that a condition never met fails the test where it waited:
///
/// ```swift
/// #expect(try await eventually { try await driver.job(id: id)?.state == .completed })
/// ```
///
/// The default timeout is generous because it only bounds a failure: every suite starts at once, and
/// on a slow 2-core machine the first seconds of a run are shared by some 600 tests, so that the
/// job-worker suite, 1 s on its own, once took 11 s and, on a slower day, missed a 10 s timeout.
public func eventually(
    timeout: Duration = .seconds(30), interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
