import AssayTestSupport
import Foundation
import Testing

/// Real processes on one SQLite database: the API, workers killed with SIGKILL and replaced,
/// workers stopped with SIGTERM. No job may be lost, run twice to effect, or left running.
@Suite("Workers that crash or stop, end to end", .serialized, .timeLimit(.minutes(10)))
struct CrashEndToEndTests {
    static let token = "crash-admin-token-0123456789"

    struct Cluster {
        let sandbox: ServeEndToEndTests.Sandbox
        let environment: [String: String]
        let api: AssayProcess
        let admin: HTTPClient

        static func start() async throws -> Cluster {
            let sandbox = try await ServeEndToEndTests.Sandbox()
            let environment = sandbox.environment.merging([
                "ADMIN_API_TOKEN": token, "JOB_LEASE_SECONDS": "2", "JOB_POLL_SECONDS": "0.1",
                "JOB_RETRY_BASE_SECONDS": "0.1", "JOB_RETRY_MAX_SECONDS": "1",
            ]) { $1 }
            let api = try AssayProcess(
                arguments: ["serve", "--workers", "0"], environment: environment,
                workingDirectory: sandbox.directory)
            let port = try await api.listeningPort()
            let admin = HTTPClient(
                baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")), token: token)
            return Cluster(sandbox: sandbox, environment: environment, api: api, admin: admin)
        }

        func worker(concurrency: Int = 4, grace: Int = 20) throws -> AssayProcess {
            try AssayProcess(
                arguments: ["worker", "--concurrency", "\(concurrency)", "--grace-seconds", "\(grace)"],
                environment: environment, workingDirectory: sandbox.directory)
        }

        /// Submits `count` submissions, eight at a time; returns their ids.
        func submit(_ count: Int) async throws -> [String] {
            try await HTTPClient(baseURL: admin.baseURL).submitSamples(count)
        }

        func queueStatus() async throws -> [String: [String: Any]] {
            try await admin.send("GET", "/api/admin/queue/status").json()["queues"]
                as? [String: [String: Any]] ?? [:]
        }

        func count(_ queue: String, _ field: String) async throws -> Int {
            try await queueStatus()[queue]?[field] as? Int ?? -1
        }

        /// Waits until `count` submissions are completed, for at most `timeout`.
        func waitForCompleted(_ count: Int, timeout: Duration = .seconds(90)) async throws -> Int {
            var completed = 0
            _ = try await eventually(timeout: timeout, interval: .milliseconds(100)) {
                completed =
                    try await admin.send("GET", "/api/admin/submissions?status=completed&limit=1").json()[
                        "total"]
                    as? Int ?? 0
                return completed >= count
            }
            return completed
        }

        func stop() async throws {
            _ = try await api.stop()
            sandbox.remove()
        }
    }

    @Test(
        "300 submissions, two workers, three killed with SIGKILL and replaced: one report each, nothing dead or running"
    )
    func killedWorkers() async throws {
        let cluster = try await Cluster.start()
        var workers = [try cluster.worker(), try cluster.worker()]
        async let submitted = cluster.submit(300)
        var kills = 0
        while kills < 3 {
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...250)))
            let victim = Int.random(in: 0..<workers.count)
            #expect(try await workers[victim].stop(signal: SIGKILL) == SIGKILL)
            workers[victim] = try cluster.worker()
            kills += 1
        }
        let ids = try await submitted
        #expect(Set(ids).count == 300)
        #expect(try await cluster.waitForCompleted(300) == 300)

        for queue in ["scoring-jobs", "report-jobs"] {
            #expect(
                try await cluster.count(queue, "completed_last_hour") == 300,
                "one job per submission in \(queue)")
            #expect(try await cluster.count(queue, "dead_letter_messages") == 0)
            #expect(try await cluster.count(queue, "running") == 0)
            #expect(try await cluster.count(queue, "active_messages") == 0)
            #expect(try await cluster.count(queue, "scheduled_messages") == 0)
        }
        for id in ids.shuffled().prefix(30) {
            let report = try await cluster.admin.send("GET", "/api/admin/submissions/\(id)/report")
            #expect(report.status == 200)
            #expect(try report.json()["submission_id"] as? String == id)
        }
        for worker in workers {
            try await worker.waitUntilPrinted("worker started")
            #expect(try await worker.stop() == 0)
        }
        try await cluster.stop()
    }

    @Test("SIGTERM while jobs run: the worker exits 0 within its grace period and loses no job")
    func gracefulStop() async throws {
        let cluster = try await Cluster.start()
        let ids = try await cluster.submit(200)
        let worker = try cluster.worker(concurrency: 8, grace: 5)
        // The signal goes to a worker that has started on the jobs, not to one still starting up.
        let started = try await eventually(timeout: .seconds(30)) {
            try await cluster.count("scoring-jobs", "running")
                + cluster.count("scoring-jobs", "completed_last_hour") > 0
        }
        try #require(started, "the worker ran nothing; it printed:\n\(worker.printed)")
        let stopped = ContinuousClock.now
        #expect(try await worker.stop(signal: SIGTERM) == 0)
        #expect(ContinuousClock.now - stopped < .seconds(6))
        for queue in ["scoring-jobs", "report-jobs"] {
            #expect(try await cluster.count(queue, "running") == 0, "nothing left leased in \(queue)")
            #expect(try await cluster.count(queue, "dead_letter_messages") == 0)
        }
        let successor = try cluster.worker()
        #expect(try await cluster.waitForCompleted(ids.count) == ids.count)
        try await successor.waitUntilPrinted("worker started")
        #expect(try await successor.stop() == 0)
        try await cluster.stop()
    }
}
