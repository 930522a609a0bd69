import AssayTestSupport
import Foundation
import Testing

/// Real processes on a PostgreSQL cluster of the test's own, which the test restarts and stops.
@Suite(
    "PostgreSQL faults and many processes, end to end", .serialized, .timeLimit(.minutes(10)),
    .enabled(if: TestBackend.selected == .postgres, "runs in the PostgreSQL pass of scripts/test"))
struct PostgresClusterEndToEndTests {
    static let token = "cluster-admin-token-0123456789"

    /// A throwaway cluster started with scripts/postgres.
    struct Cluster {
        let directory: URL
        let url: String

        static func start() async throws -> Cluster {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "assay-cluster-\(UUID().uuidString)")
            try await script("start", directory.appendingPathComponent("pg").path)
            let port = try String(contentsOf: directory.appendingPathComponent("pg/port"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            return Cluster(
                directory: directory, url: "postgres://assay@127.0.0.1:\(port)/postgres?sslmode=disable")
        }

        func control(_ command: String) async throws {
            try await Self.script(command, directory.appendingPathComponent("pg").path)
        }

        /// Runs `body` on a cluster of its own, stopped and removed however `body` ends.
        static func with(_ body: (Cluster) async throws -> Void) async throws {
            let cluster = try await start()
            do {
                try await body(cluster)
            } catch {
                await cluster.remove()
                throw error
            }
            await cluster.remove()
        }

        func remove() async {
            try? await control("stop")
            try? FileManager.default.removeItem(at: directory)
        }

        /// Runs scripts/postgres to its end. Its output goes to a file, not a pipe: the server it
        /// starts outlives it, and a pipe it inherited would never reach its end.
        private static func script(_ arguments: String...) async throws {
            let process = try AssayProcess(
                executable: AssayProcess.repositoryRoot.appendingPathComponent("scripts/postgres"),
                arguments: arguments, environment: ProcessInfo.processInfo.environment,
                workingDirectory: AssayProcess.repositoryRoot)
            guard try await process.exitStatus(timeout: .seconds(120)) == 0 else {
                throw ProcessFailure(
                    message:
                        "scripts/postgres \(arguments.joined(separator: " ")) failed:\n\(process.printed)")
            }
        }

        /// The environment of `assay` processes on this cluster, keeping files in `folder`.
        func environment(folder: URL) -> [String: String] {
            [
                "DATA_DIR": folder.appendingPathComponent("data").path, "DATABASE_URL": url,
                "EXAMPLES_DIR": AssayProcess.repositoryRoot.appendingPathComponent("Examples").path,
                "PORT": "0",
                "ADMIN_API_TOKEN": token, "JOB_LEASE_SECONDS": "2", "JOB_POLL_SECONDS": "0.2",
                "JOB_RETRY_BASE_SECONDS": "0.2", "JOB_RETRY_MAX_SECONDS": "1", "JOB_MAX_RETRIES": "10",
            ]
        }

        func count(_ sql: String) async throws -> Int { try await TestDatabase.postgresCount(url: url, sql) }

        /// Starts `assay serve` on this cluster, keeping its files in the cluster's `app` folder, and an
        /// HTTP client for the port it listens on.
        func serve() async throws -> (AssayProcess, HTTPClient) {
            let folder = directory.appendingPathComponent("app")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let server = try AssayProcess(
                arguments: ["serve"], environment: environment(folder: folder), workingDirectory: folder)
            let client = HTTPClient(
                baseURL: try #require(URL(string: "http://127.0.0.1:\(try await server.listeningPort())")))
            return (server, client)
        }
    }

    /// Waits until every submission in the database has its report, or `timeout` passes.
    static func waitForReports(_ cluster: Cluster, timeout: Duration = .seconds(90)) async throws -> (
        Int, Int
    ) {
        var counts = (0, -1)
        _ = try await eventually(timeout: timeout, interval: .milliseconds(200)) {
            counts = (
                try await cluster.count("SELECT count(*) FROM submissions"),
                try await cluster.count("SELECT count(*) FROM reports")
            )
            return counts.0 == counts.1
        }
        return counts
    }

    @Test(
        "PostgreSQL restarted mid-run: 503 with the error JSON while it is away, then every accepted submission ends with one report"
    )
    func restart() async throws {
        try await Cluster.with { cluster in
            let (server, client) = try await cluster.serve()

            // Submissions keep coming while the database restarts.
            let until = ContinuousClock.now + .seconds(6)
            async let outcomes = withThrowingTaskGroup(of: [Int: [String]].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var seen: [Int: [String]] = [:]
                        while ContinuousClock.now < until {
                            let reply = try await client.send(
                                "POST", "/api/candidate/assessment/swift-basics/submit",
                                body: HTTPClient.sampleSubmission)
                            let detail =
                                reply.status == 200
                                ? (try reply.json()["submission_id"] as? String ?? "")
                                : String(decoding: reply.body, as: UTF8.self)
                            seen[reply.status, default: []].append(detail)
                        }
                        return seen
                    }
                }
                return try await group.reduce(into: [Int: [String]]()) { $0.merge($1) { $0 + $1 } }
            }
            try await Task.sleep(for: .seconds(1.5))
            try await cluster.control("restart")
            let seen = try await outcomes
            let accepted = seen[200] ?? []
            #expect(Set(seen.keys).isSubset(of: [200, 503]), "statuses: \(seen.mapValues(\.count))")
            for body in seen[503] ?? [] { #expect(body.contains(#""code":"database_unavailable""#)) }
            #expect(accepted.count > 0)

            // With the database stopped, the API answers 503 with the error JSON, and /ready too.
            try await cluster.control("stop")
            let down = try await client.send(
                "POST", "/api/candidate/assessment/swift-basics/submit", body: HTTPClient.sampleSubmission)
            #expect(down.status == 503)
            #expect(
                try (down.json()["error"] as? [String: Any])?["code"] as? String == "database_unavailable")
            #expect(try await client.send("GET", "/ready").status == 503)
            try await cluster.control("resume")

            let (submissions, reports) = try await Self.waitForReports(cluster)
            #expect(submissions == reports)
            #expect(submissions >= accepted.count)
            let stored = Set(accepted)
            #expect(stored.count == accepted.count)
            #expect(
                try await cluster.count(
                    "SELECT count(*) FROM submissions s WHERE NOT EXISTS "
                        + "(SELECT 1 FROM jobs j WHERE j.dedupe_key = s.id AND j.queue = 'scoring-jobs')")
                    == 0,
                "every stored submission has its scoring job")
            // A report is stored before its job is marked completed: wait for the mark too.
            #expect(
                try await eventually(timeout: .seconds(30)) {
                    try await cluster.count("SELECT count(*) FROM jobs WHERE state <> 'completed'") == 0
                })
            #expect(try await server.stop() == 0, "the server printed:\n\(server.printed.suffix(20000))")
        }
    }

    @Test("two API processes and three workers on one database: every job runs once, at attempt 1")
    func manyProcesses() async throws {
        try await Cluster.with { cluster in
            let folder = cluster.directory.appendingPathComponent("app")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let environment = cluster.environment(folder: folder)
            let apis = try (0..<2).map { _ in
                try AssayProcess(
                    arguments: ["serve", "--workers", "0"], environment: environment, workingDirectory: folder
                )
            }
            var clients: [HTTPClient] = []
            for api in apis {
                clients.append(
                    HTTPClient(
                        baseURL: try #require(
                            URL(string: "http://127.0.0.1:\(try await api.listeningPort())"))))
            }
            let workers = try (0..<3).map { _ in
                try AssayProcess(
                    arguments: ["worker", "--concurrency", "8"], environment: environment,
                    workingDirectory: folder)
            }
            let perLane = 75
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in clients {
                    group.addTask { _ = try await client.submitSamples(4 * perLane, lanes: 4) }
                }
                try await group.waitForAll()
            }
            let (submissions, reports) = try await Self.waitForReports(cluster)
            #expect(submissions == 8 * perLane)
            #expect(reports == submissions)
            // Each scoring job is stored and completed; its report job ran inline and is counted.
            #expect(
                try await cluster.count("SELECT count(*) FROM jobs WHERE state = 'completed'") == submissions)
            for queue in ["scoring-jobs", "report-jobs"] {
                #expect(
                    try await cluster.count(
                        "SELECT sum(completed)::int8 FROM job_completions WHERE queue = '\(queue)'")
                        == submissions,
                    "\(queue) counts every job it completed")
            }
            #expect(
                try await cluster.count(
                    "SELECT count(*) FROM jobs WHERE attempt <> 1 OR errors <> '[]'::jsonb")
                    == 0,
                "no job was claimed twice")
            for process in apis + workers { #expect(try await process.stop() == 0) }
        }
    }
}
