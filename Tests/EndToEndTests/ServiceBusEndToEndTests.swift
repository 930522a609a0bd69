import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// Service Bus mode with real processes: `assay serve` (its relay, and its workers as the fallback)
/// and two `assay worker`s (relays and broker workers) against the `assay-servicebus-emulator`
/// process, on one database of the backend under test.
@Suite("Service Bus mode, end to end", .serialized, .timeLimit(.minutes(10)))
struct ServiceBusEndToEndTests {
    static let token = "servicebus-admin-token-0123456789"

    /// The emulator, as a process of its own.
    struct Broker {
        let process: AssayProcess
        let connectionString: String
        let control: HTTPClient

        /// Starts the emulator with the two queues, whose locks last `lockDurationSeconds` and whose
        /// messages move to the dead-letter subqueue after `maxDeliveryCount` deliveries.
        static func start(lockDurationSeconds: Int = 60, maxDeliveryCount: Int = 10) async throws -> Broker {
            let executable = AssayProcess.executableURL.deletingLastPathComponent()
                .appendingPathComponent("assay-servicebus-emulator")
            let process = try AssayProcess(
                executable: executable,
                arguments: [
                    "--port", "0", "--queue", "scoring-jobs", "--queue", "report-jobs",
                    "--lock-duration-seconds", "\(lockDurationSeconds)", "--max-delivery-count",
                    "\(maxDeliveryCount)",
                ],
                environment: [:], workingDirectory: FileManager.default.temporaryDirectory)
            try await process.waitUntilPrinted("UseDevelopmentEmulator=true")
            let match = try #require(
                process.printed.firstMatch(of: /AZURE_SERVICE_BUS_CONNECTION_STRING=(\S+)/))
            let connectionString = String(match.1)
            let port = try #require(connectionString.firstMatch(of: /sb:\/\/127\.0\.0\.1:(\d+)\//)?.1)
            return Broker(
                process: process, connectionString: connectionString,
                control: HTTPClient(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)"))))
        }

        /// Makes the emulator answer every request with 503 for `seconds`.
        func failEveryRequest(for seconds: Int) async throws {
            let reply = try await control.send(
                "POST", "/$emulator/faults", json: ["fault": "unavailable", "seconds": seconds])
            guard reply.status == 204 else {
                throw ProcessFailure(message: "the emulator refused the fault: \(reply.status)")
            }
        }
    }

    /// One submit answer: when it came, its status, and the queue mode it named.
    struct Answer {
        var at: ContinuousClock.Instant
        var status: Int
        var queueMode: String
    }

    /// Submits the sample `count` times over `lanes` lanes, each pausing `pause` between requests.
    static func submit(_ count: Int, lanes: Int, pause: Duration, to client: HTTPClient) async throws
        -> [Answer]
    {
        try await withThrowingTaskGroup(of: [Answer].self) { group in
            for lane in 0..<lanes {
                group.addTask {
                    var answers: [Answer] = []
                    for _ in stride(from: lane, to: count, by: lanes) {
                        let reply = try await client.send(
                            "POST", "/api/candidate/assessment/swift-basics/submit",
                            body: HTTPClient.sampleSubmission)
                        let mode = reply.status == 200 ? try reply.json()["queue_mode"] as? String ?? "" : ""
                        answers.append(Answer(at: .now, status: reply.status, queueMode: mode))
                        try await Task.sleep(for: pause)
                    }
                    return answers
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    @Test(
        "500 submissions across a 10 s broker outage: every one answered 200 (fallback during it), publishing resumes, each submission ends with one report, and no job runs twice"
    )
    func outage() async throws {
        // Messages that could not be settled during the outage come back when their lock runs out.
        let broker = try await Broker.start(lockDurationSeconds: 10)
        let sandbox = try await ServeEndToEndTests.Sandbox()
        defer { sandbox.remove() }
        let environment = sandbox.environment.merging([
            "ADMIN_API_TOKEN": Self.token, "USE_SERVICE_BUS": "true",
            "AZURE_SERVICE_BUS_CONNECTION_STRING": broker.connectionString,
            "SERVICE_BUS_FALLBACK_SECONDS": "5", "SERVICE_BUS_RECLAIM_SECONDS": "60",
            "JOB_LEASE_SECONDS": "10", "JOB_POLL_SECONDS": "0.2",
        ]) { $1 }
        let server = try AssayProcess(
            arguments: ["serve"], environment: environment, workingDirectory: sandbox.directory)
        let baseURL = try #require(URL(string: "http://127.0.0.1:\(try await server.listeningPort())"))
        let admin = HTTPClient(baseURL: baseURL, token: Self.token)
        let workers = try (0..<2).map { _ in
            try AssayProcess(
                arguments: ["worker", "--concurrency", "8"], environment: environment,
                workingDirectory: sandbox.directory)
        }
        for worker in workers { try await worker.waitUntilPrinted("worker started") }

        let started = ContinuousClock.now
        async let submitted = Self.submit(
            500, lanes: 4, pause: .milliseconds(120), to: HTTPClient(baseURL: baseURL))
        try await Task.sleep(for: .seconds(4))
        let outage = ContinuousClock.now
        try await broker.failEveryRequest(for: 10)
        // serve's circuit, as its queue status shows it: when it opened, and when it closed again.
        var opened: ContinuousClock.Instant?
        var closed: ContinuousClock.Instant?
        let resumed = try await eventually(timeout: .seconds(90), interval: .milliseconds(200)) {
            let queues =
                try await admin.send("GET", "/api/admin/queue/status").json()["queues"]
                as? [String: [String: Any]]
            let circuit = (queues?["scoring-jobs"]?["service_bus"] as? [String: Any])?["circuit"] as? String
            if circuit != "closed", opened == nil { opened = .now }
            if opened != nil, circuit == "closed" { closed = .now }
            return closed != nil
        }
        let answers = try await submitted
        #expect(
            resumed, "serve's circuit did not close again; serve printed:\n\(server.printed.suffix(3000))")

        let completed = try await eventually(timeout: .seconds(180), interval: .milliseconds(250)) {
            try await admin.send("GET", "/api/admin/submissions?status=completed&limit=1").json()["total"]
                as? Int == 500
        }
        let finished = ContinuousClock.now
        let byMode = Dictionary(grouping: answers, by: \.queueMode).mapValues(\.count)
        let secondsFrom = { (instant: ContinuousClock.Instant?) in
            instant.map { String(format: "%.1f", ($0 - outage).seconds) } ?? "never"
        }
        print(
            "Service Bus outage, end to end: \(answers.count) answers by queue_mode \(byMode.sorted { $0.key < $1.key }); "
                + "outage from \(String(format: "%.1f", (outage - started).seconds)) s for 10 s; serve's circuit "
                + "opened at +\(secondsFrom(opened)) s and closed (publishing resumed) at +\(secondsFrom(closed)) s, "
                + "\(closed.map { String(format: "%.1f", ($0 - outage - .seconds(10)).seconds) } ?? "never") s after "
                + "the outage ended; "
                + "all reports \(String(format: "%.1f", (finished - started).seconds)) s after the first submission"
        )

        #expect(answers.count == 500)
        #expect(answers.allSatisfy { $0.status == 200 })
        #expect(byMode["fallback", default: 0] > 0)
        #expect(byMode["service_bus", default: 0] > 0)
        #expect(Set(byMode.keys).isSubset(of: ["service_bus", "fallback"]))
        #expect(completed, "serve printed:\n\(server.printed.suffix(3000))")

        let status =
            try await admin.send("GET", "/api/admin/queue/status").json()["queues"]
            as? [String: [String: Any]] ?? [:]
        for queue in ["scoring-jobs", "report-jobs"] {
            #expect(
                status[queue]?["completed_last_hour"] as? Int == 500, "one job per submission in \(queue)")
            #expect(status[queue]?["dead_letter_messages"] as? Int == 0)
            #expect(status[queue]?["running"] as? Int == 0)
        }

        // Each scoring job ran once: one completion each, at its first attempt, and no attempt lost
        // or refused. Each built its report (its report job ran inline: counted above, never sent).
        let printed = ([server] + workers).map(\.printed).joined(separator: "\n")
        let completions = printed.split(separator: "\n").filter { $0.hasSuffix("job completed") }
        let jobIDs = completions.compactMap { $0.firstMatch(of: /job_id=(\S+)/).map { String($0.1) } }
        #expect(completions.count == 500)
        #expect(Set(jobIDs).count == 500)
        #expect(completions.allSatisfy { $0.contains("attempt=1 ") })
        #expect(!printed.contains("lease lost while running"))
        #expect(!printed.contains("result refused"))
        let ranLocally =
            completions.count
            - workers.map { $0.printed.components(separatedBy: "job completed").count - 1 }
            .reduce(0, +)
        print(
            "Service Bus outage, end to end: \(ranLocally) of 500 scoring jobs ran in serve's fallback workers"
        )

        // The messages of jobs that ran in the fallback are received and skipped: the broker's
        // queues drain. `assay queue status` asks the broker too.
        let drained = try await eventually(timeout: .seconds(60), interval: .milliseconds(250)) {
            let queues =
                try await admin.send("GET", "/api/admin/queue/status").json()["queues"]
                as? [String: [String: Any]]
            return ["scoring-jobs", "report-jobs"].allSatisfy {
                (queues?[$0]?["service_bus"] as? [String: Any])?["active_messages"] as? Int == 0
            }
        }
        let notable = ([server] + workers).flatMap { $0.printed.split(separator: "\n") }.filter {
            !$0.contains(" info ")
        }
        #expect(drained, "\(notable.suffix(60).joined(separator: "\n"))")
        let command = try AssayProcess(
            arguments: ["queue", "status"], environment: environment, workingDirectory: sandbox.directory)
        #expect(try await command.exitStatus() == 0)
        for queue in ["report-jobs", "scoring-jobs"] {
            #expect(
                command.printed.contains(
                    "\(queue) service_bus: active_messages=0 dead_letter_messages=0 scheduled_messages=0 unpublished=0"
                ),
                "printed: \(command.printed)")
        }

        for worker in workers { #expect(try await worker.stop() == 0) }
        #expect(try await server.stop() == 0)
        _ = try? await broker.process.stop()
    }
}
