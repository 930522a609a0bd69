import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite("GET /metrics", .assayFixture)
struct MetricsRoutesTests {
    @Test("behind the admin token by default: 401 without it, the Prometheus text with it")
    func behindTheToken() async throws {
        try await AssayFixture.current().withApp { client in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            try expectError(anonymous, status: .unauthorized, code: "unauthorized")
            let scraped = try await client.admin(.get, "/metrics")
            #expect(scraped.status == .ok)
            #expect(scraped.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let samples = try PrometheusSamples(scraped.text)
            #expect(samples.value("assay_queue_jobs", ["queue": "scoring-jobs", "state": "available"]) == 0)
            #expect(samples.types["assay_queue_jobs"] == "gauge")
        }
    }

    @Test("public with METRICS_PUBLIC=true")
    func publicWhenAsked() async throws {
        try await AssayFixture.current().withApp(environment: ["METRICS_PUBLIC": "true"]) { client in
            let scraped = try await client.execute(uri: "/metrics", method: .get)
            #expect(scraped.status == .ok)
            _ = try PrometheusSamples(scraped.text)
        }
    }

    @Test("a scrape counts the queue's jobs, requests by route and status, and jobs by outcome")
    func countsWhatHappened() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let before = try PrometheusSamples(try await client.admin(.get, "/metrics").text)
            let submitted = [
                try await client.submitAccepted(), try await client.submitAccepted(),
                try await client.submitAccepted(),
            ]
            for id in submitted { try await client.waitUntilCompleted(id) }
            // A report is stored before its job is marked completed and counted: wait for the count.
            let reportsDone = ["queue": "report-jobs", "kind": "build-report"]
            var after = try PrometheusSamples(try await client.admin(.get, "/metrics").text)
            _ = try await eventually(timeout: .seconds(30)) {
                after = try PrometheusSamples(try await client.admin(.get, "/metrics").text)
                let done = after.value("assay_jobs_completed_total", reportsDone) ?? 0
                return done - (before.value("assay_jobs_completed_total", reportsDone) ?? 0) >= 3
            }
            let submitRoute = [
                "http_route": "/api/candidate/assessment/{test_id}/submit",
                "http_response_status_code": "200",
            ]
            // Counters are process-wide, and other suites run beside this one: compare growth.
            func grew(_ name: String, _ labels: [String: String]) -> Double {
                (after.value(name, labels) ?? 0) - (before.value(name, labels) ?? 0)
            }
            #expect(grew("hb_requests", submitRoute) >= 3)
            #expect(grew("http_server_request_duration_count", submitRoute) >= 3)
            #expect(
                grew("assay_jobs_enqueued_total", ["queue": "scoring-jobs", "kind": "score-submission"]) >= 3)
            #expect(
                grew("assay_jobs_completed_total", ["queue": "report-jobs", "kind": "build-report"]) >= 3)
            #expect(
                grew("assay_job_duration_seconds_count", ["queue": "scoring-jobs", "outcome": "completed"])
                    >= 3)
            #expect(grew("assay_database_batch_size_count", ["batch": "submissions"]) >= 1)
            #expect(after.types["assay_job_duration_seconds"] == "histogram")
            #expect(after.value("assay_queue_jobs", ["queue": "scoring-jobs", "state": "running"]) == 0)
            // A report is readable a moment before its job's completion is recorded.
            let counted = try await eventually {
                let scraped = try PrometheusSamples(try await client.admin(.get, "/metrics").text)
                return scraped.value("assay_queue_completed_last_hour", ["queue": "report-jobs"]) == 3
            }
            #expect(counted)
        }
    }
}
