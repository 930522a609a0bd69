import Testing

@testable import AssayServer

@Suite("Prometheus names")
struct PrometheusNameTests {
    @Test("an allowed name is kept as it is; any other character becomes an underscore")
    func names() {
        #expect(AssayMetrics.prometheusName("assay_jobs_completed_total") == "assay_jobs_completed_total")
        #expect(AssayMetrics.prometheusName("hb_requests2") == "hb_requests2")
        #expect(AssayMetrics.prometheusName("http.server.requests") == "http_server_requests")
        #expect(AssayMetrics.prometheusName("service-bus") == "service_bus")
        #expect(AssayMetrics.prometheusName("2xx") == "_xx")
        #expect(AssayMetrics.prometheusName("café") == "caf_")
        #expect(AssayMetrics.prometheusName("") == "")
    }
}
