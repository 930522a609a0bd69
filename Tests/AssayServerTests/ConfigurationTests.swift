import AssayServer
import AssayStore
import Foundation
import JobQueue
import Logging
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test("with nothing set, Assay runs on SQLite in ./data with the documented defaults")
    func defaults() throws {
        let configuration = try AssayConfiguration(environment: [:])
        #expect(configuration.database == .sqlite(path: "./data/assay.sqlite"))
        #expect(configuration.queueBackend == .database)
        #expect(configuration.queues == ["scoring-jobs", "report-jobs"])
        #expect(
            configuration.retryPolicy == RetryPolicy(maxRetries: 3, base: .seconds(2), maximum: .seconds(300))
        )
        #expect(configuration.leaseDuration == .seconds(30))
        #expect(configuration.adminToken == nil)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8000)
        #expect(configuration.dataDirectory == "./data")
    }

    @Test("every variable is read", arguments: [("sqlite:///var/lib/assay.sqlite", "/var/lib/assay.sqlite")])
    func values(url: String, path: String) throws {
        let configuration = try AssayConfiguration(environment: [
            "DATABASE_URL": url, "JOB_MAX_RETRIES": "5", "JOB_RETRY_BASE_SECONDS": "0.5",
            "JOB_RETRY_MAX_SECONDS": "60", "JOB_LEASE_SECONDS": "12", "ADMIN_API_TOKEN": "0123456789abcdef",
            "PORT": "9000", "HOST": "0.0.0.0", "AZURE_SERVICE_BUS_SCORING_QUEUE": "score",
            "AZURE_SERVICE_BUS_REPORT_QUEUE": "report", "WORKER_CONCURRENCY": "0", "LOG_LEVEL": "debug",
            "MAX_PENDING_WRITES": "100",
        ])
        #expect(configuration.database == .sqlite(path: path))
        #expect(
            configuration.retryPolicy
                == RetryPolicy(maxRetries: 5, base: .seconds(0.5), maximum: .seconds(60)))
        #expect(configuration.leaseDuration == .seconds(12))
        #expect(configuration.adminToken == "0123456789abcdef")
        #expect(configuration.port == 9000)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.queues == ["score", "report"])
        #expect(configuration.workerConcurrency == 0)
        #expect(configuration.maximumPendingWrites == 100)
        #expect(configuration.logLevel == .debug)
    }

    @Test(
        "a bad value fails with the variable's name and what it accepts",
        arguments: [
            (
                "DATABASE_URL", "mysql://db",
                "DATABASE_URL: 'mysql://db' is not sqlite://PATH or postgres://user:pass@host:port/db"
            ),
            (
                "DATABASE_URL", "sqlite://",
                "DATABASE_URL: 'sqlite://' names no file; try sqlite://./data/assay.sqlite"
            ),
            ("PORT", "80a", "PORT: '80a' is not a whole number from 0 to 65535"),
            ("PORT", "70000", "PORT: '70000' is not a whole number from 0 to 65535"),
            ("USE_SERVICE_BUS", "maybe", "USE_SERVICE_BUS: 'maybe' is not true or false"),
            ("QUEUE_BACKEND", "redis", "QUEUE_BACKEND: 'redis' is not one of database, servicebus, memory"),
            ("JOB_MAX_RETRIES", "-1", "JOB_MAX_RETRIES: '-1' is not a whole number from 0 to 100"),
            (
                "JOB_RETRY_BASE_SECONDS", "soon",
                "JOB_RETRY_BASE_SECONDS: 'soon' is not a number of seconds from 0.001 to 86400.0"
            ),
            (
                "JOB_LEASE_SECONDS", "0",
                "JOB_LEASE_SECONDS: '0' is not a number of seconds from 1.0 to 3600.0"
            ),
            ("ADMIN_API_TOKEN", "short", "ADMIN_API_TOKEN: must be at least 16 printable ASCII characters"),
            ("SCORER", "magic", "SCORER: 'magic' is not one of rubric, llm"),
            (
                "MAX_PENDING_WRITES", "0",
                "MAX_PENDING_WRITES: '0' is not a whole number from 1 to 1000000"
            ),
            (
                "LOG_LEVEL", "loud",
                "LOG_LEVEL: 'loud' is not one of trace, debug, info, notice, warning, error, critical"
            ),
            (
                "AZURE_SERVICE_BUS_SCORING_QUEUE", "a queue",
                "AZURE_SERVICE_BUS_SCORING_QUEUE: 'a queue' is not a queue name (letters, digits, - _ .; up to 260)"
            ),
        ])
    func badValue(variable: String, value: String, message: String) {
        #expect(throws: ConfigurationError.self) { try AssayConfiguration(environment: [variable: value]) }
        do {
            _ = try AssayConfiguration(environment: [variable: value])
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("a PostgreSQL URL is read, and a bad one is refused with what is wrong")
    func postgresURL() throws {
        let url = "postgresql://assay:s%40cret@db.example.com:6432/assay?sslmode=require"
        let configuration = try AssayConfiguration(environment: ["DATABASE_URL": url])
        #expect(configuration.database == .postgres(url: url))
        #expect(configuration.database.backendName == "postgresql")
        #expect(configuration.listensForJobs)
        #expect(try AssayConfiguration(environment: ["JOB_LISTEN_NOTIFY": "false"]).listensForJobs == false)
        let parsed = try PostgresDatabaseURL(url)
        #expect(parsed.password == "s@cret")
        #expect(parsed.port == 6432)
        #expect(parsed.sslMode == .require)
        #expect(
            throws: ConfigurationError(
                variable: "DATABASE_URL",
                message: "sslmode 'sometimes' is not one of disable, prefer, require, verify-full")
        ) {
            try AssayConfiguration(environment: ["DATABASE_URL": "postgres://a@h/db?sslmode=sometimes"])
        }
        #expect(
            throws: ConfigurationError(
                variable: "DATABASE_URL", message: "'postgres://a@h' names no database")
        ) {
            try AssayConfiguration(environment: ["DATABASE_URL": "postgres://a@h"])
        }
    }

    @Test("the backoff maximum must not be under its base")
    func backoffBounds() {
        #expect(
            throws: ConfigurationError(
                variable: "JOB_RETRY_MAX_SECONDS", message: "must be at least JOB_RETRY_BASE_SECONDS (10.0)")
        ) {
            try AssayConfiguration(environment: [
                "JOB_RETRY_BASE_SECONDS": "10", "JOB_RETRY_MAX_SECONDS": "5",
            ])
        }
    }

    @Test("parts not built yet are refused at start, naming the variable")
    func notBuiltYet() {
        #expect(throws: ConfigurationError.self) {
            try AssayConfiguration(environment: ["QUEUE_BACKEND": "memory"])
        }
    }

    @Test(".env is read, the environment wins over it, and flags win over both")
    func precedence() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "assay-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(".env")
        try """
        # comment
        export PORT=7000
        HOST="0.0.0.0"
        JOB_MAX_RETRIES='7'

        JOB_LEASE_SECONDS = 45
        """.write(to: file, atomically: true, encoding: .utf8)
        let configuration = try AssayConfiguration.load(
            environment: ["JOB_MAX_RETRIES": "2", "PORT": "7100"], dotEnvPath: file.path,
            overrides: ["PORT": "7200", "HOST": nil])
        #expect(configuration.port == 7200)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.retryPolicy.maxRetries == 2)
        #expect(configuration.leaseDuration == .seconds(45))
    }

    @Test("a .env line that is not KEY=VALUE is an error naming the line, without echoing its text")
    func badDotEnv() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "assay-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent(".env")
        try "PORT=1\nADMIN_API_TOKEN hunter2-hunter2-hunter2\n".write(
            to: file, atomically: true, encoding: .utf8)
        #expect(
            throws: ConfigurationError(variable: ".env", message: "\(file.path) line 2 is not KEY=VALUE")
        ) {
            try AssayConfiguration.load(environment: [:], dotEnvPath: file.path)
        }
    }

    @Test(
        "the password of DATABASE_URL never appears in an error or a description",
        arguments: [
            (
                "postgres://assay:hunter2@/assay",
                "DATABASE_URL: 'postgres://assay:***@/assay' names no host"
            ),
            (
                "postgresql://assay:hunter2@db.example.com:5432",
                "DATABASE_URL: 'postgresql://assay:***@db.example.com:5432' names no database"
            ),
            (
                "postgres://:hunter2@db.example.com/assay",
                "DATABASE_URL: 'postgres://:***@db.example.com/assay' names no user"
            ),
            (
                "postgress://assay:hunter2@db.example.com/assay",
                "DATABASE_URL: 'postgress://assay:***@db.example.com/assay' is not sqlite://PATH "
                    + "or postgres://user:pass@host:port/db"
            ),
            (
                "mysql://assay:hunter2/with/slashes@db/assay",
                "DATABASE_URL: 'mysql://assay:***@db/assay' is not sqlite://PATH or postgres://user:pass@host:port/db"
            ),
        ])
    func passwordIsMasked(url: String, message: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try AssayConfiguration(environment: ["DATABASE_URL": url])
        }
        #expect(error?.description == message)
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test("a PostgreSQL location describes itself with its password masked")
    func locationDescriptionIsMasked() throws {
        let location = try DatabaseLocation(url: "postgres://assay:hunter2@db.example.com:5432/assay")
        #expect(location.description == "postgres://assay:***@db.example.com:5432/assay")
        #expect("\(location)" == "postgres://assay:***@db.example.com:5432/assay")
        #expect(PostgresDatabaseURL.masked("postgres://assay@db/assay") == "postgres://assay@db/assay")
        #expect(PostgresDatabaseURL.masked("postgres://a:p@ss@db/assay") == "postgres://a:***@db/assay")
        #expect(
            try DatabaseLocation(url: "sqlite://./data/assay.sqlite").description
                == "sqlite://./data/assay.sqlite")
    }

    @Test("a missing .env file is fine")
    func missingDotEnv() throws {
        let configuration = try AssayConfiguration.load(environment: [:], dotEnvPath: "/nonexistent/.env")
        #expect(configuration.port == 8000)
    }
}
