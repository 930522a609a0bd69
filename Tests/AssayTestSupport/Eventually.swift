/// Checks `condition` every `interval` until it holds or `timeout` passes, then once more; tells
/// whether it came to hold.
///
/// The one way the suites wait for what another task or process does. The caller asserts on the
/// answer, so that a condition never met fails the test where it waited:
///
/// ```swift
/// #expect(try await eventually { try await driver.job(id: id)?.state == .completed })
/// ```
public func eventually(
    timeout: Duration = .seconds(10), interval: Duration = .milliseconds(20),
    _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
