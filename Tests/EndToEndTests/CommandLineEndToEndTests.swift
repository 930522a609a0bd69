import AssayTestSupport
import Foundation
import Testing

/// `assay queue status` and `assay dlq` run as real processes on the database of a real `assay serve`.
@Suite("assay queue and assay dlq, end to end", .serialized, .timeLimit(.minutes(10)))
struct CommandLineEndToEndTests {
    static let token = "cli-admin-token-0123456789"
    static let queues = ["scoring-jobs", "report-jobs"]
    /// What the history says of an attempt whose worker was killed (JobLeaseExpiry.message).
    static let leaseExpired = "lease expired: the worker stopped renewing it (crashed or killed)"

    /// A sandbox with `assay serve --workers 0` on it: it takes submissions, and nothing runs them.
    struct Server {
        let sandbox: ServeEndToEndTests.Sandbox
        let environment: [String: String]
        let process: AssayProcess
        let admin: HTTPClient
        var candidate: HTTPClient { HTTPClient(baseURL: admin.baseURL) }

        /// Runs `body` with a server started with `extra` in its environment, and stops it afterwards.
        static func with(
            environment extra: [String: String] = [:], _ body: (Server) async throws -> Void
        ) async throws {
            let server = try await start(environment: extra)
            do {
                try await body(server)
            } catch {
                try? await server.stop()
                throw error
            }
            try await server.stop()
        }

        private static func start(environment extra: [String: String]) async throws -> Server {
            let sandbox = try await ServeEndToEndTests.Sandbox()
            let environment = sandbox.environment.merging(["ADMIN_API_TOKEN": token]) { $1 }
                .merging(extra) { $1 }
            let process = try AssayProcess(
                arguments: ["serve", "--workers", "0"], environment: environment,
                workingDirectory: sandbox.directory)
            let port = try await process.listeningPort()
            let admin = HTTPClient(
                baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")), token: token)
            return Server(sandbox: sandbox, environment: environment, process: process, admin: admin)
        }

        /// Runs `assay arguments` against this server's database, to its end.
        func assay(_ arguments: String...) async throws -> Outcome {
            try await CommandLineEndToEndTests.assay(arguments, environment: environment, sandbox: sandbox)
        }

        /// Starts `assay worker` on this server's database, 16 jobs at once per queue: the dead-letter
        /// test runs with 1 s leases and no retries, where 256 jobs at once on a loaded machine can
        /// miss a renewal and make a job dead that the test expects to finish.
        func worker() throws -> AssayProcess {
            try AssayProcess(
                arguments: ["worker", "--concurrency", "16"], environment: environment,
                workingDirectory: sandbox.directory)
        }

        /// Submits the example submission `count` times, eight at a time; returns the submissions' ids.
        func submit(_ count: Int) async throws -> [String] {
            try await candidate.submitSamples(count)
        }

        /// The admin endpoint's counts: queue name to field to number.
        func counts() async throws -> [String: [String: Any]] {
            let status = try await admin.send("GET", "/api/admin/queue/status")
            guard status.status == 200, let queues = try status.json()["queues"] as? [String: [String: Any]]
            else {
                throw ProcessFailure(message: "queue status answered \(status.status)")
            }
            return queues
        }

        /// The sum of `field` over both queues.
        func total(_ field: String) async throws -> Int {
            let counts = try await counts()
            return queues.reduce(0) { $0 + (counts[$1]?[field] as? Int ?? 0) }
        }

        /// Whether no job waits or runs in either queue.
        func isIdle() async throws -> Bool {
            let counts = try await counts()
            return queues.allSatisfy { queue in
                ["active_messages", "scheduled_messages", "running"].allSatisfy {
                    counts[queue]?[$0] as? Int == 0
                }
            }
        }

        func deadLetters(_ query: String = "") async throws -> [String: Any] {
            try await admin.send("GET", "/api/admin/queue/dead-letters\(query)").json()
        }

        func submissionStatus(_ id: String) async throws -> String? {
            try await candidate.send("GET", "/api/candidate/submissions/\(id)").json()["status"] as? String
        }

        private func stop() async throws {
            defer { sandbox.remove() }
            #expect(try await process.stop() == 0, "serve printed:\n\(process.printed)")
        }
    }

    /// How a finished `assay` command exited and what it printed (standard output and error).
    struct Outcome {
        var status: Int32
        var output: String
        var lines: [Substring] { output.split(separator: "\n") }
    }

    /// Runs `assay arguments` in `sandbox` with `environment`, to its end.
    static func assay(
        _ arguments: [String], environment: [String: String], sandbox: ServeEndToEndTests.Sandbox
    ) async throws -> Outcome {
        let process = try AssayProcess(
            arguments: arguments, environment: environment, workingDirectory: sandbox.directory)
        // Its whole output is in once it has exited.
        let status = try await process.exitStatus()
        return Outcome(status: status, output: process.printed)
    }

    /// The JSON object on the one line of `output` that holds one.
    static func jsonObject(in output: String) throws -> [String: Any] {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("{") }),
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        else {
            throw ProcessFailure(message: "no JSON object in:\n\(output)")
        }
        return object
    }

    /// The cells of the table row that starts with `name`.
    static func row(_ name: String, in output: String) -> [Substring]? {
        output.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.first == Substring(name) }
    }

    // MARK: Without dead jobs

    @Test("with no dead job, dlq list says 0 of 0 and retry --all retries none")
    func emptyDeadLetterQueue() async throws {
        let sandbox = try await ServeEndToEndTests.Sandbox()
        defer { sandbox.remove() }
        let list = try await Self.assay(["dlq", "list"], environment: sandbox.environment, sandbox: sandbox)
        #expect(list.status == 0, "printed: \(list.output)")
        #expect(
            list.lines.first?.split(separator: " ") == ["job", "queue", "kind", "attempts", "last", "error"])
        #expect(list.lines.last == "0 of 0 dead jobs")

        for arguments in [["dlq", "retry", "--all"], ["dlq", "retry", "--all", "--queue", "report-jobs"]] {
            let retry = try await Self.assay(arguments, environment: sandbox.environment, sandbox: sandbox)
            #expect(retry.status == 0, "printed: \(retry.output)")
            #expect(retry.lines.last == "retried 0 dead jobs")
        }
    }

    @Test(
        "a wrong id or option exits non-zero with a message that names the mistake",
        arguments: [
            (["dlq", "show", "no-such-job"], "no dead job has id 'no-such-job'"),
            (["dlq", "retry", "no-such-job"], "no dead job has id 'no-such-job'"),
            (["dlq", "discard", "no-such-job"], "no dead job has id 'no-such-job'"),
            (["dlq", "list", "--queue", "nope"], "--queue takes scoring-jobs or report-jobs"),
            (["dlq", "retry", "--all", "--queue", "nope"], "--queue takes scoring-jobs or report-jobs"),
            (["dlq", "retry", "no-such-job", "--all"], "give a job id or --all, not both"),
            (["dlq", "retry"], "give a job id or --all, not both"),
            (["dlq", "retry", "no-such-job", "--queue", "scoring-jobs"], "--queue goes with --all"),
        ])
    func mistakes(arguments: [String], message: String) async throws {
        let sandbox = try await ServeEndToEndTests.Sandbox()
        defer { sandbox.remove() }
        let outcome = try await Self.assay(arguments, environment: sandbox.environment, sandbox: sandbox)
        #expect(outcome.status != 0)
        #expect(outcome.output.contains(message), "printed: \(outcome.output)")
    }

    @Test("queue status agrees with the admin endpoint, and lists a worker while it runs")
    func queueStatus() async throws {
        try await Server.with { server in try await checkQueueStatus(on: server) }
    }

    private func checkQueueStatus(on server: Server) async throws {
        _ = try await server.submit(3)

        let json = try await server.assay("queue", "status", "--json")
        #expect(json.status == 0, "printed: \(json.output)")
        let printed = try Self.jsonObject(in: json.output)
        let answered = try await server.admin.send("GET", "/api/admin/queue/status").json()
        #expect(printed["mode"] as? String == "database")
        #expect(printed["service_bus_enabled"] as? Bool == false)
        #expect((printed["workers"] as? [Any])?.isEmpty == true)
        let printedQueues = try #require(printed["queues"] as? [String: [String: Any]])
        let answeredQueues = try #require(answered["queues"] as? [String: [String: Any]])
        #expect(Set(printedQueues.keys) == Set(Self.queues))
        #expect(printedQueues["scoring-jobs"]?["active_messages"] as? Int == 3)
        for queue in Self.queues {
            for field in [
                "active_messages", "scheduled_messages", "running", "dead_letter_messages",
                "completed_last_hour",
            ] {
                #expect(
                    printedQueues[queue]?[field] as? Int == answeredQueues[queue]?[field] as? Int,
                    "\(queue) \(field)")
            }
        }

        let table = try await server.assay("queue", "status")
        #expect(table.status == 0, "printed: \(table.output)")
        let backend = TestBackend.selected == .sqlite ? "sqlite" : "postgresql"
        #expect(table.lines.first == "mode: database, backend: \(backend)")
        #expect(
            Self.row("scoring-jobs", in: table.output)?.dropFirst().first == "3", "printed: \(table.output)")
        #expect(
            Self.row("report-jobs", in: table.output)?.dropFirst().first == "0", "printed: \(table.output)")
        #expect(table.lines.contains("workers alive: 0"))

        let worker = try server.worker()
        let drained = try await eventually(timeout: .seconds(60)) {
            let counts = try await server.counts()
            return Self.queues.allSatisfy { counts[$0]?["completed_last_hour"] as? Int == 3 }
        }
        #expect(drained, "the worker did not finish the three submissions; it printed:\n\(worker.printed)")
        let withWorker = try await server.assay("queue", "status")
        #expect(withWorker.lines.contains("workers alive: 1"), "printed: \(withWorker.output)")
        #expect(withWorker.output.contains("scoring-jobs,report-jobs"))
        let workers = try #require(
            try Self.jsonObject(in: try await server.assay("queue", "status", "--json").output)["workers"]
                as? [[String: Any]])
        #expect(workers.count == 1)
        #expect(workers.first?["queues"] as? [String] == Self.queues)
        #expect(Self.row("scoring-jobs", in: withWorker.output)?.dropFirst(5).first == "3")

        #expect(try await worker.stop(signal: SIGTERM) == 0)
        let afterStop = try await server.assay("queue", "status")
        #expect(afterStop.lines.contains("workers alive: 0"), "printed: \(afterStop.output)")
    }

    // MARK: With dead jobs

    /// Jobs die for real: a worker is killed while it runs them, they have no retry left
    /// (JOB_MAX_RETRIES=0), and the next worker finds their leases expired.
    @Test("jobs of a killed worker die; dlq lists, shows, retries and discards them")
    func deadJobsOfAKilledWorker() async throws {
        let environment = ["JOB_MAX_RETRIES": "0", "JOB_LEASE_SECONDS": "1", "JOB_POLL_SECONDS": "0.05"]
        try await Server.with(environment: environment) { server in try await checkDeadJobs(on: server) }
    }

    private func checkDeadJobs(on server: Server) async throws {
        // Enough work that every victim is busy when it is killed, however fast the jobs run.
        let submissions = try await server.submit(1000)

        // Counted after each kill, when no worker is alive to finish a job between count and kill.
        var killed = 0
        var stranded = 0
        while stranded < 2 && killed < 10 {
            let victim = try server.worker()
            try await victim.waitUntilPrinted("worker started")
            // Jobs left by earlier victims stay running, then dead: more than those, and this one holds some.
            let busy = try await eventually(timeout: .seconds(60)) {
                try await server.total("running") + server.total("dead_letter_messages") > stranded
            }
            try #require(busy, "the worker ran nothing; it printed:\n\(victim.printed)")
            #expect(try await victim.stop(signal: SIGKILL) == SIGKILL)
            killed += 1
            stranded = try await server.total("running") + server.total("dead_letter_messages")
        }
        let survivor = try server.worker()
        try await Task.sleep(for: .seconds(1.5))
        let idle = try await eventually(timeout: .seconds(60)) { try await server.isIdle() }
        try #require(idle, "the jobs were not all finished or dead; the worker printed:\n\(survivor.printed)")
        try await survivor.waitUntilPrinted("worker started")
        #expect(try await survivor.stop(signal: SIGTERM) == 0)

        let page = try await server.deadLetters()
        let dead = try #require(page["total"] as? Int)
        try #require(
            dead >= 2,
            "\(killed) killed workers left \(stranded) jobs running or dead, then \(dead) dead; the survivor printed:\n\(survivor.printed)"
        )
        let items = try #require(page["items"] as? [[String: Any]])
        let ids = items.compactMap { $0["job_id"] as? String }
        #expect(
            items.allSatisfy {
                ($0["errors"] as? [[String: Any]])?.last?["message"] as? String == Self.leaseExpired
            })

        let list = try await server.assay("dlq", "list")
        #expect(list.status == 0)
        #expect(list.lines.last == "\(min(dead, 50)) of \(dead) dead jobs", "printed: \(list.output)")
        for id in ids.prefix(50) {
            let row = try #require(Self.row(id, in: list.output), "\(id) not listed")
            #expect(row.dropFirst(3).first == "1/1")
            #expect(row.dropFirst(4).joined(separator: " ").hasPrefix("lease expired"))
        }
        let scoringDead = try #require(try await server.deadLetters("?queue=scoring-jobs")["total"] as? Int)
        let scoringList = try await server.assay("dlq", "list", "--queue", "scoring-jobs", "--limit", "1")
        #expect(scoringList.lines.last == "\(min(scoringDead, 1)) of \(scoringDead) dead jobs")
        let statusJSON = try Self.jsonObject(in: try await server.assay("queue", "status", "--json").output)
        let statusQueues = try #require(statusJSON["queues"] as? [String: [String: Any]])
        #expect(
            Self.queues.reduce(0) { $0 + (statusQueues[$1]?["dead_letter_messages"] as? Int ?? 0) } == dead)

        let (retried, discarded) = (ids[0], ids[1])
        let show = try await server.assay("dlq", "show", retried)
        #expect(show.status == 0)
        let shown = try Self.jsonObject(in: show.output)
        let answered = try await server.admin.send("GET", "/api/admin/queue/dead-letters/\(retried)")
        #expect(
            shown as NSDictionary == (try answered.json()) as NSDictionary, "show prints the endpoint's JSON")
        #expect(shown["state"] as? String == "dead")
        #expect(shown["attempt"] as? Int == 1)
        #expect(shown["max_attempts"] as? Int == 1)
        let retriedSubmission = try #require(
            (shown["payload"] as? [String: Any])?["submission_id"] as? String)
        #expect(submissions.contains(retriedSubmission))

        let retry = try await server.assay("dlq", "retry", retried)
        #expect(retry.status == 0)
        #expect(retry.lines.last == "retried \(retried)")
        #expect(try await server.admin.send("GET", "/api/admin/queue/dead-letters/\(retried)").status == 404)
        #expect(try await server.assay("dlq", "show", retried).status != 0)

        let discardedSubmission = try #require(
            (items[1]["payload"] as? [String: Any])?["submission_id"] as? String)
        let discard = try await server.assay("dlq", "discard", discarded)
        #expect(discard.status == 0)
        #expect(discard.lines.last == "discarded \(discarded)")
        #expect(
            try await server.admin.send("GET", "/api/admin/queue/dead-letters/\(discarded)").status == 404)
        let again = try await server.assay("dlq", "discard", discarded)
        #expect(again.status != 0)
        #expect(again.output.contains("no dead job has id '\(discarded)'"))

        let retryAll = try await server.assay("dlq", "retry", "--all")
        #expect(
            retryAll.lines.last == "retried \(dead - 2) dead jobs", "printed: \(retryAll.output)")
        #expect(try await server.assay("dlq", "list").lines.last == "0 of 0 dead jobs")

        let finisher = try server.worker()
        let finished = try await eventually(timeout: .seconds(60)) {
            guard try await server.submissionStatus(retriedSubmission) == "completed" else { return false }
            return try await server.isIdle()
        }
        #expect(finished, "the retried jobs were not finished; the worker printed:\n\(finisher.printed)")
        try await finisher.waitUntilPrinted("worker started")
        #expect(try await finisher.stop(signal: SIGTERM) == 0)
        #expect(try await server.total("dead_letter_messages") == 0)
        let completed = try await server.admin.send("GET", "/api/admin/submissions?status=completed&limit=1")
        let failed = try await server.admin.send("GET", "/api/admin/submissions?status=failed")
        let failedIDs = (try failed.json()["items"] as? [[String: Any]] ?? []).compactMap {
            $0["submission_id"] as? String
        }
        #expect(
            Set(failedIDs).isSubset(of: [discardedSubmission]), "only the discarded job's submission may fail"
        )
        #expect(try completed.json()["total"] as? Int == submissions.count - failedIDs.count)
    }
}
