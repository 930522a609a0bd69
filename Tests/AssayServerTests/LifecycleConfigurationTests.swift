import AssayServer
import Testing

/// The timeouts of the HTTP server and the unknown-kind grace, read like every other variable.
@Suite("Configuration: timeouts and grace")
struct LifecycleConfigurationTests {
    @Test("the HTTP timeouts and the unknown-kind grace have defaults and can be set")
    func defaultsAndValues() throws {
        let defaults = try AssayConfiguration(environment: [:])
        #expect(defaults.httpIdleTimeout == .seconds(60))
        #expect(defaults.httpReadTimeout == .seconds(30))
        #expect(defaults.unknownKindGrace == .seconds(900))
        let set = try AssayConfiguration(environment: [
            "HTTP_IDLE_TIMEOUT_SECONDS": "5", "HTTP_READ_TIMEOUT_SECONDS": "2.5",
            "JOB_UNKNOWN_KIND_GRACE_SECONDS": "0",
        ])
        #expect(set.httpIdleTimeout == .seconds(5))
        #expect(set.httpReadTimeout == .milliseconds(2500))
        #expect(set.unknownKindGrace == .zero)
    }

    @Test(
        "a timeout of zero, or a negative grace, is refused naming the variable",
        arguments: [
            ("HTTP_IDLE_TIMEOUT_SECONDS", "0"), ("HTTP_READ_TIMEOUT_SECONDS", "0"),
            ("JOB_UNKNOWN_KIND_GRACE_SECONDS", "-1"),
        ])
    func refused(variable: String, value: String) {
        #expect(throws: ConfigurationError.self) { try AssayConfiguration(environment: [variable: value]) }
        do {
            _ = try AssayConfiguration(environment: [variable: value])
        } catch {
            #expect(error.variable == variable)
        }
    }
}
