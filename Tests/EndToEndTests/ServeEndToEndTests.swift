import AssayTestSupport
import Foundation
import NIOCore
import Testing

@Suite("assay serve, end to end", .serialized, .timeLimit(.minutes(10)))
struct ServeEndToEndTests {
    static let token = "e2e-admin-token-0123456789"

    /// A temporary working folder, a fresh database on the backend under test (`ASSAY_TEST_DATABASE`),
    /// and the environment of `assay` processes that keep their data there.
    ///
    /// ``remove()`` removes the folder; a PostgreSQL database stays on the throwaway test cluster,
    /// which `scripts/test` removes whole.
    struct Sandbox {
        let database: TestDatabase
        var directory: URL { database.directory.url }
        var environment: [String: String] {
            [
                "DATA_DIR": directory.appendingPathComponent("data").path,
                "DATABASE_URL": database.url,
                "EXAMPLES_DIR": AssayProcess.repositoryRoot.appendingPathComponent("Examples").path,
                "PORT": "0",
            ]
        }

        init() async throws {
            database = try await TestDatabase.create(TestBackend.selected)
        }

        func remove() { database.directory.remove() }
    }

    @Test("a submission made over HTTP ends in a report an admin can read, and SIGTERM exits 0")
    func submitToReport() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.remove() }
        let server = try AssayProcess(
            arguments: ["serve"],
            environment: sandbox.environment.merging(["ADMIN_API_TOKEN": Self.token]) { $1 },
            workingDirectory: sandbox.directory)
        let port = try await server.listeningPort()
        let baseURL = try #require(URL(string: "http://127.0.0.1:\(port)"))
        let candidate = HTTPClient(baseURL: baseURL)
        let admin = HTTPClient(baseURL: baseURL, token: Self.token)

        #expect(try await candidate.send("GET", "/ready").status == 200)
        let assessment = try await candidate.send("GET", "/api/candidate/assessment/swift-basics")
        #expect(assessment.status == 200)
        let submissionFile = AssayProcess.repositoryRoot.appendingPathComponent(
            "Examples/submissions/swift-basics.json")
        let submission = try JSONSerialization.jsonObject(with: Data(contentsOf: submissionFile))
        let submitted = try await candidate.send(
            "POST", "/api/candidate/assessment/swift-basics/submit", json: submission)
        #expect(submitted.status == 200)
        let answer = try submitted.json()
        #expect(answer["success"] as? Bool == true)
        #expect(answer["queue_mode"] as? String == "database")
        let submissionID = try #require(answer["submission_id"] as? String)

        var status = ""
        _ = try await eventually(timeout: .seconds(30)) {
            status =
                try await candidate.send("GET", "/api/candidate/submissions/\(submissionID)").json()["status"]
                as? String ?? ""
            return status == "completed"
        }
        #expect(status == "completed")

        let report = try await admin.send("GET", "/api/admin/submissions/\(submissionID)/report").json()
        #expect(report["submission_id"] as? String == submissionID)
        #expect(report["assessment_id"] as? String == "swift-basics")
        #expect(report["passed"] as? Bool == true)
        #expect(report["scorer"] as? String == "rubric")
        let html = try await admin.send("GET", "/api/admin/submissions/\(submissionID)/report?format=html")
        #expect(html.contentType.hasPrefix("text/html"))
        #expect(String(decoding: html.body, as: UTF8.self).contains("Swift basics"))
        #expect(try await candidate.send("GET", "/api/admin/queue/status").status == 401)

        #expect(try await server.stop(signal: SIGTERM) == 0)
        #expect(server.printed.contains("submission_id=\(submissionID)"))
        // The rubric's jobs are cheap: 256 at once per queue by default.
        #expect(server.printed.contains("concurrency=scoring-jobs=256,report-jobs=256"))
    }

    @Test(
        "LOG_FORMAT=json: every line is one JSON object, and one submission is followed from submit to report"
    )
    func jsonLogs() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.remove() }
        let server = try AssayProcess(
            arguments: ["serve"],
            environment: sandbox.environment.merging(["ADMIN_API_TOKEN": Self.token, "LOG_FORMAT": "json"]) {
                $1
            },
            workingDirectory: sandbox.directory)
        let port = try await server.listeningPort()
        let candidate = HTTPClient(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")))
        let submissionFile = AssayProcess.repositoryRoot.appendingPathComponent(
            "Examples/submissions/swift-basics.json")
        let submitted = try await candidate.send(
            "POST", "/api/candidate/assessment/swift-basics/submit",
            json: try JSONSerialization.jsonObject(with: Data(contentsOf: submissionFile)))
        let submissionID = try #require(try submitted.json()["submission_id"] as? String)
        let completed = try await eventually(timeout: .seconds(30)) {
            try await candidate.send("GET", "/api/candidate/submissions/\(submissionID)").json()["status"]
                as? String == "completed"
        }
        #expect(completed)
        #expect(try await server.stop(signal: SIGTERM) == 0)

        let entries = try server.printed.split(separator: "\n").map { line in
            try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)"
            )
        }
        let followed = entries.filter { $0["submission_id"] as? String == submissionID }
        let messages = followed.compactMap { $0["message"] as? String }
        #expect(messages.contains("submission accepted"))
        #expect(messages.contains("submission scored"))
        #expect(messages.contains("report stored"))
        let accepted = try #require(followed.first { $0["message"] as? String == "submission accepted" })
        #expect((accepted["request_id"] as? String)?.isEmpty == false)
        let scored = try #require(followed.first { $0["message"] as? String == "submission scored" })
        #expect(scored["queue"] as? String == "scoring-jobs")
        #expect(scored["attempt"] as? Int == 1)
        #expect((scored["job_id"] as? String)?.isEmpty == false)
        // The rubric's report is built by the scoring job itself (its report job ran inline).
        let reported = try #require(followed.first { $0["message"] as? String == "report stored" })
        #expect(reported["queue"] as? String == "scoring-jobs")
        #expect(reported["job_id"] as? String == scored["job_id"] as? String)
    }

    @Test(
        "assay serve runs one event loop for every two cores, or as many as NIO_SINGLETON_GROUP_LOOP_COUNT says",
        arguments: [nil, "3"])
    func eventLoops(setting: String?) async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.remove() }
        var environment = sandbox.environment
        environment["NIO_SINGLETON_GROUP_LOOP_COUNT"] = setting
        let server = try AssayProcess(
            arguments: ["serve"], environment: environment, workingDirectory: sandbox.directory)
        _ = try await server.listeningPort()
        // NIO names the threads of its shared event-loop group NIO-SGLTN-<group>-#<loop>.
        let threads = try server.threadNames()
        let loops = threads.filter { $0.hasPrefix("NIO-SGLTN-") }
        let expected = setting.flatMap(Int.init) ?? max(1, System.coreCount / 2)
        #expect(loops.count == expected, "threads: \(threads)")
        #expect(try await server.stop(signal: SIGTERM) == 0)
    }

    @Test("the first start keeps a new admin token (0600, folder 0700), says where, and warns about nothing")
    func adminTokenAtFirstStart() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.remove() }
        let first = try AssayProcess(
            arguments: ["serve"], environment: sandbox.environment, workingDirectory: sandbox.directory)
        _ = try await first.listeningPort()
        #expect(try await first.stop() == 0)
        let match = try #require(
            first.printed.firstMatch(
                of: /Admin API token created and kept in (.+) \(mode 0600\); not printed/))
        let path = String(match.1)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let dataDirectory = try FileManager.default.attributesOfItem(atPath: sandbox.environment["DATA_DIR"]!)
        #expect((dataDirectory[.posixPermissions] as? Int) == 0o700)
        let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(token.count == 64)
        #expect(!first.printed.contains(token))
        #expect(!first.printed.contains("warning"), "\(first.printed)")

        let second = try AssayProcess(
            arguments: ["serve"], environment: sandbox.environment, workingDirectory: sandbox.directory)
        let port = try await second.listeningPort()
        let admin = HTTPClient(baseURL: try #require(URL(string: "http://127.0.0.1:\(port)")), token: token)
        #expect(try await admin.send("GET", "/api/admin/queue/status").status == 200)
        #expect(try await second.stop() == 0)
        #expect(!second.printed.contains(token))
    }

    @Test(
        "a bad setting stops the start with one line naming the variable",
        arguments: [
            ("PORT", "eighty", "PORT:"),
            ("DATABASE_URL", "mysql://localhost/db", "DATABASE_URL:"),
            ("JOB_MAX_RETRIES", "-1", "JOB_MAX_RETRIES:"),
            ("USE_SERVICE_BUS", "maybe", "USE_SERVICE_BUS:"),
            ("NIO_SINGLETON_GROUP_LOOP_COUNT", "many", "NIO_SINGLETON_GROUP_LOOP_COUNT: 'many'"),
            ("NIO_SINGLETON_GROUP_LOOP_COUNT", "0", "NIO_SINGLETON_GROUP_LOOP_COUNT: '0'"),
        ])
    func badConfiguration(variable: String, value: String, expected: String) async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.remove() }
        let server = try AssayProcess(
            arguments: ["serve"], environment: sandbox.environment.merging([variable: value]) { $1 },
            workingDirectory: sandbox.directory)
        #expect(try await server.exitStatus() != 0)
        let lines = server.printed.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("assay: \(expected)") == true)
    }

    @Test("assay migrate creates the schema and exits 0")
    func migrate() async throws {
        let sandbox = try await Sandbox()
        defer { sandbox.remove() }
        let migrate = try AssayProcess(
            arguments: ["migrate"], environment: sandbox.environment, workingDirectory: sandbox.directory)
        #expect(try await migrate.exitStatus() == 0)
        #expect(migrate.printed.contains("database is up to date"))
        let status = try AssayProcess(
            arguments: ["queue", "status", "--json"], environment: sandbox.environment,
            workingDirectory: sandbox.directory)
        #expect(try await status.exitStatus() == 0)
        let json = try? JSONSerialization.jsonObject(with: Data(status.printed.utf8)) as? [String: Any]
        #expect(json != nil, "queue status printed:\n\(status.printed)")
        #expect(
            json?["backend"] as? String == (sandbox.database.backend == .sqlite ? "sqlite" : "postgresql"))
    }
}
