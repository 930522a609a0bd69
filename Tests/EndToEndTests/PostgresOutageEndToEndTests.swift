import AssayTestSupport
import Foundation
import Synchronization
import Testing

/// A real `assay serve` whose PostgreSQL is stopped for 90 s under a trickle of submissions.
@Suite(
    "PostgreSQL away for 90 s, end to end", .serialized, .timeLimit(.minutes(4)),
    .enabled(if: TestBackend.selected == .postgres, "runs in the PostgreSQL pass of scripts/test"))
struct PostgresOutageEndToEndTests {
    typealias Cluster = PostgresClusterEndToEndTests.Cluster

    /// One answer to a submission: when it came (since the start), its status, and its error code.
    struct Answer: Sendable {
        var at: Duration
        var status: Int
        var code: String?
    }

    /// The answers so far, and whether the trickle should stop, shared with its lanes.
    final class Record: Sendable {
        let answers = Mutex<[Answer]>([])
        let stopping = Mutex(false)
    }

    /// Starts `assay serve` on `databaseURL`, expects it to exit non-zero within 10 s with one
    /// line, and returns that line.
    func failedStartLine(_ cluster: Cluster, databaseURL: String) async throws -> String {
        let folder = cluster.directory.appendingPathComponent("app")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var environment = cluster.environment(folder: folder)
        environment["DATABASE_URL"] = databaseURL
        let started = ContinuousClock.now
        let server = try AssayProcess(
            arguments: ["serve"], environment: environment, workingDirectory: folder)
        #expect(try await server.exitStatus(timeout: .seconds(10)) != 0)
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(server.printed.split(separator: "\n").count == 1, "printed: \(server.printed)")
        return server.printed
    }

    @Test("an unknown database at start: `assay serve` exits within 10 s with one line that says so")
    func unknownDatabaseAtStart() async throws {
        try await Cluster.with { cluster in
            let line = try await failedStartLine(
                cluster,
                databaseURL: cluster.url.replacingOccurrences(
                    of: "/postgres?", with: "/assay_no_such_database?"))
            #expect(line.contains(#"database "assay_no_such_database" does not exist"#))
        }
    }

    @Test(
        "a wrong password at start: `assay serve` exits within 10 s with one line that says so, without the password"
    )
    func wrongPasswordAtStart() async throws {
        try await Cluster.with { cluster in
            // scripts/postgres makes this one role give its password (scram-sha-256); the rest are trusted.
            try await TestDatabase.postgresExecute(
                url: cluster.url, "CREATE ROLE assay_password_check LOGIN PASSWORD 'the-right-one'")
            let line = try await failedStartLine(
                cluster,
                databaseURL: cluster.url.replacingOccurrences(
                    of: "//assay@", with: "//assay_password_check:not-the-password@"))
            #expect(line.contains("DATABASE_URL"))
            #expect(line.contains(#"password authentication failed for user "assay_password_check""#))
            #expect(!line.contains("not-the-password"))
        }
    }

    @Test(
        "every answer while PostgreSQL is away for 90 s is 200 or 503 database_unavailable, and submissions succeed again within seconds of its return"
    )
    func ninetySecondOutage() async throws {
        try await Cluster.with { cluster in
            let (server, client) = try await cluster.serve()
            let start = ContinuousClock.now
            let record = Record()

            // Two lanes, each a submission every half second (or as soon as the last one is answered).
            let trickle = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<2 {
                        group.addTask {
                            while !record.stopping.withLock({ $0 }) {
                                let reply = try await client.send(
                                    "POST", "/api/candidate/assessment/swift-basics/submit",
                                    body: HTTPClient.sampleSubmission)
                                let code = (try? reply.json()["error"] as? [String: Any])?["code"] as? String
                                let answer = Answer(
                                    at: ContinuousClock.now - start, status: reply.status, code: code)
                                record.answers.withLock { $0.append(answer) }
                                try await Task.sleep(for: .milliseconds(500))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            try await Task.sleep(for: .seconds(3))
            try await cluster.control("stop")
            let stopped = ContinuousClock.now - start
            try await Task.sleep(for: .seconds(90))
            try await cluster.control("resume")
            let resumed = ContinuousClock.now - start

            // Wait for the first success after the return, for at most 30 s.
            let recoveredBy = ContinuousClock.now + .seconds(30)
            var recovery: Duration?
            while recovery == nil, ContinuousClock.now < recoveredBy {
                try await Task.sleep(for: .milliseconds(100))
                recovery = record.answers.withLock { all in
                    all.first { $0.at > resumed && $0.status == 200 }.map { $0.at - resumed }
                }
            }
            try await Task.sleep(for: .seconds(2))
            record.stopping.withLock { $0 = true }
            try await trickle.value

            let all = record.answers.withLock { $0 }
            let away = all.filter { $0.at > stopped && $0.at <= resumed }
            var counts: [String: Int] = [:]
            for answer in away { counts["\(answer.status) \(answer.code ?? "")", default: 0] += 1 }
            print(
                "PostgreSQL stopped for 90 s: answers while away by status: \(counts.sorted { $0.key < $1.key }); "
                    + "first success \(recovery.map { "\($0)" } ?? "never (30 s)") after it was back; "
                    + "\(all.count) answers in all")
            #expect(away.count > 10, "a trickle, not a few requests: \(away.count)")
            #expect(
                away.allSatisfy {
                    $0.status == 200 || ($0.status == 503 && $0.code == "database_unavailable")
                },
                "answers while away: \(counts)")
            #expect(all.allSatisfy { $0.status == 200 || $0.status == 503 }, "no 500")
            let recovered = try #require(recovery, "no submission succeeded within 30 s of the return")
            #expect(recovered < .seconds(5), "first success \(recovered) after the return")

            let (submissions, reports) = try await PostgresClusterEndToEndTests.waitForReports(cluster)
            #expect(submissions == reports)
            #expect(try await server.stop() == 0)
        }
    }
}
