import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// Service Bus mode recovering from what ends processes or changes their mode: a broker worker
/// killed while it holds messages, and Service Bus turned off and on again with jobs in flight.
@Suite("Service Bus mode, recovery end to end", .serialized, .timeLimit(.minutes(10)))
struct ServiceBusRecoveryEndToEndTests {
    static let token = "servicebus-admin-token-0123456789"
    typealias Broker = ServiceBusEndToEndTests.Broker

    /// Processes on one database and one emulator.
    struct Deployment {
        let broker: Broker
        let sandbox: ServeEndToEndTests.Sandbox
        let environment: [String: String]

        init(broker: Broker, settings: [String: String]) async throws {
            self.broker = broker
            sandbox = try await ServeEndToEndTests.Sandbox()
            environment = sandbox.environment.merging([
                "ADMIN_API_TOKEN": ServiceBusRecoveryEndToEndTests.token, "USE_SERVICE_BUS": "true",
                "AZURE_SERVICE_BUS_CONNECTION_STRING": broker.connectionString, "JOB_POLL_SECONDS": "0.2",
            ]) { $1 }.merging(settings) { $1 }
        }

        /// `assay serve` with `arguments`, and an admin client of it.
        func serve(_ arguments: [String] = [], serviceBus: Bool = true) async throws -> (
            AssayProcess, HTTPClient
        ) {
            let server = try AssayProcess(
                arguments: ["serve"] + arguments,
                environment: environment.merging(["USE_SERVICE_BUS": serviceBus ? "true" : "false"]) { $1 },
                workingDirectory: sandbox.directory)
            let url = try #require(URL(string: "http://127.0.0.1:\(try await server.listeningPort())"))
            return (server, HTTPClient(baseURL: url, token: ServiceBusRecoveryEndToEndTests.token))
        }

        func worker() throws -> AssayProcess {
            try AssayProcess(
                arguments: ["worker", "--concurrency", "8"], environment: environment,
                workingDirectory: sandbox.directory)
        }
    }

    static func completedSubmissions(_ admin: HTTPClient) async throws -> Int {
        try await admin.send("GET", "/api/admin/submissions?status=completed&limit=1").json()["total"] as? Int
            ?? 0
    }

    static func queues(_ admin: HTTPClient) async throws -> [String: [String: Any]] {
        try await admin.send("GET", "/api/admin/queue/status").json()["queues"] as? [String: [String: Any]]
            ?? [:]
    }

    /// The `job completed` lines the processes printed, by job id.
    static func completions(_ processes: [AssayProcess]) -> [String: [Substring]] {
        let lines = processes.flatMap { $0.printed.split(separator: "\n") }.filter {
            $0.hasSuffix("job completed")
        }
        return Dictionary(grouping: lines) { line in
            line.firstMatch(of: /job_id=(\S+)/).map { String($0.1) } ?? ""
        }
    }

    @Test(
        "a broker worker killed with SIGKILL while it holds messages: their jobs run again once their locks and leases run out, each submission ends with one report"
    )
    func killedWorker() async throws {
        let broker = try await Broker.start(lockDurationSeconds: 5)
        // Recovery must come from the broker: no database worker, and no reclaim within the test.
        let deployment = try await Deployment(
            broker: broker, settings: ["JOB_LEASE_SECONDS": "2", "SERVICE_BUS_RECLAIM_SECONDS": "600"])
        defer { deployment.sandbox.remove() }
        let (server, admin) = try await deployment.serve(["--workers", "0"])
        let victim = try deployment.worker()
        let survivor = try deployment.worker()
        for worker in [victim, survivor] { try await worker.waitUntilPrinted("worker started") }
        async let submitted = HTTPClient(baseURL: admin.baseURL).submitSamples(300)
        let busy = try await eventually(timeout: .seconds(60)) { victim.printed.contains("job completed") }
        try #require(busy, "the worker ran nothing; it printed:\n\(victim.printed.suffix(3000))")
        let killed = ContinuousClock.now
        #expect(try await victim.stop(signal: SIGKILL) == SIGKILL)
        #expect(try await submitted.count == 300)
        let completed = try await eventually(timeout: .seconds(120), interval: .milliseconds(250)) {
            try await Self.completedSubmissions(admin) == 300
        }
        #expect(completed, "the survivor printed:\n\(survivor.printed.suffix(3000))")
        let recovered = ContinuousClock.now - killed

        let status = try await Self.queues(admin)
        for queue in ["scoring-jobs", "report-jobs"] {
            #expect(
                status[queue]?["completed_last_hour"] as? Int == 300, "one job per submission in \(queue)")
            #expect(status[queue]?["dead_letter_messages"] as? Int == 0)
            #expect(status[queue]?["running"] as? Int == 0)
        }
        // The database's counts above are the record: the victim may have committed a completion and
        // been killed before it printed the line, so the lines may miss a few jobs, never repeat one.
        let completions = Self.completions([victim, survivor])
        #expect(completions.count <= 600)
        #expect(completions.values.allSatisfy { $0.count == 1 }, "a job completed twice")
        let again = completions.values.filter { !$0[0].contains("attempt=1 ") }.count
        print(
            "Service Bus worker killed, end to end: all 300 submissions done "
                + "\(String(format: "%.1f", recovered.seconds)) s after the SIGKILL; \(again) jobs ran again at a later attempt"
        )

        #expect(try await survivor.stop() == 0)
        #expect(try await server.stop() == 0)
        _ = try? await broker.process.stop()
    }

    @Test(
        "Service Bus turned off with jobs published and not received, then on again: every job runs once, and the late messages are skipped"
    )
    func switchedOffAndOn() async throws {
        let broker = try await Broker.start()
        let deployment = try await Deployment(broker: broker, settings: ["SERVICE_BUS_RECLAIM_SECONDS": "3"])
        defer { deployment.sandbox.remove() }

        // On, with no worker to receive: the relay publishes every job.
        let (publisher, publisherAdmin) = try await deployment.serve(["--workers", "0"])
        _ = try await HTTPClient(baseURL: publisherAdmin.baseURL).submitSamples(100)
        let published = try await eventually(timeout: .seconds(60), interval: .milliseconds(200)) {
            let section =
                try await Self.queues(publisherAdmin)["scoring-jobs"]?["service_bus"] as? [String: Any]
            return section?["unpublished"] as? Int == 0 && section?["active_messages"] as? Int == 100
        }
        #expect(published)
        #expect(try await publisher.stop() == 0)

        // Off: the database workers take the published jobs once the reclaim window has passed.
        let (local, localAdmin) = try await deployment.serve(serviceBus: false)
        let ranLocally = try await eventually(timeout: .seconds(60), interval: .milliseconds(200)) {
            try await Self.completedSubmissions(localAdmin) == 100
        }
        #expect(ranLocally)
        #expect(try await local.stop() == 0)

        // On again: the old messages find their jobs done; new submissions go through the broker.
        let (server, admin) = try await deployment.serve()
        let worker = try deployment.worker()
        try await worker.waitUntilPrinted("worker started")
        _ = try await HTTPClient(baseURL: admin.baseURL).submitSamples(50)
        // A message whose receive answer was lost on a loaded machine stays locked for the queue's
        // lock duration (60 s) before it comes back and is skipped: wait past two of them.
        let completed = try await eventually(timeout: .seconds(180), interval: .milliseconds(200)) {
            let queues = try await Self.queues(admin)
            let messages = ["scoring-jobs", "report-jobs"].map {
                (queues[$0]?["service_bus"] as? [String: Any])?["active_messages"] as? Int
            }
            return try await Self.completedSubmissions(admin) == 150 && messages == [0, 0]
        }
        let finalStatus = try await Self.queues(admin)
        let notable = (worker.printed + server.printed).split(separator: "\n").filter {
            !$0.contains(" info ")
        }
        #expect(
            completed,
            "status: \(finalStatus); the worker and serve printed:\n\(notable.suffix(40).joined(separator: "\n"))"
        )
        // Each scoring job ran once; each built its report with it, its report job recorded as
        // completed after that one inline attempt, never received from the broker.
        let completions = Self.completions([local, server, worker])
        #expect(completions.count == 150)
        #expect(completions.values.allSatisfy { $0.count == 1 && $0[0].contains("attempt=1 ") })
        #expect(finalStatus["report-jobs"]?["completed_last_hour"] as? Int == 150)
        let throughBroker = Self.completions([worker]).count
        print(
            "Service Bus switched off and on, end to end: 100 scoring jobs ran locally while it was off, "
                + "\(throughBroker) of the 50 after it came back ran on the broker worker")

        #expect(try await worker.stop() == 0)
        #expect(try await server.stop() == 0)
        _ = try? await broker.process.stop()
    }
}
