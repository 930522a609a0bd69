import AssayCore
import AssayServer
import AssayStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ServiceLifecycle
import Testing

/// A fresh store on the backend under test (`ASSAY_TEST_DATABASE`, SQLite by default), holding the
/// swift-basics sample assessment, and the HTTP app on it: the one app the HTTP suites test.
///
/// A suite marked `@Suite(.assayFixture)` gets one per test, removed when the test ends:
///
/// ```swift
/// try await AssayFixture.current().withApp { client in … }
/// ```
public struct AssayFixture: Sendable {
    public static let adminToken = "test-admin-token-0123456789abcdef"
    public static let sampleAssessmentID = "swift-basics"

    /// `Examples/swift-basics.json`, found from this file's place in the repository.
    public static let sampleAssessmentURL = URL(filePath: #filePath)
        .deletingLastPathComponent()  // AssayTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .appending(path: "Examples/swift-basics.json")

    @TaskLocal fileprivate static var scoped: AssayFixture?

    public let database: TestDatabase
    public let store: any AssayStore
    public let logger: Logger

    /// The fixture of the running test.
    public static func current(sourceLocation: SourceLocation = #_sourceLocation) throws -> AssayFixture {
        try #require(scoped, "mark the suite with the .assayFixture trait", sourceLocation: sourceLocation)
    }

    public static func sampleAssessment() throws -> Assessment {
        try AssayJSON.decoder().decode(Assessment.self, from: Data(contentsOf: sampleAssessmentURL))
    }

    /// Runs `test` against the HTTP app in-process, wired as `assay serve` wires it, on `store`
    /// (this fixture's unless told otherwise, such as one that has been closed).
    ///
    /// With `worker`, the embedded job worker runs as a service beside it, on every queue, and
    /// takes the scoring jobs the app stores as `serve`'s does; with `workerQueues`, on those
    /// queues only (the scoring queue alone lets report jobs wait).
    /// `environment` is the configuration's (`METRICS_PUBLIC`, say).
    public func withApp<Value: Sendable>(
        store: (any AssayStore)? = nil, worker: Bool = false, workerQueues: [String]? = nil,
        environment: [String: String] = [:], _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let store = store ?? self.store
        let configuration = try AssayConfiguration(environment: environment)
        let runsWorker = worker || workerQueues != nil
        let handoff =
            runsWorker ? AssayApplication.handoff(configuration: configuration, serviceBus: nil) : nil
        let dependencies = AssayApplication.dependencies(
            configuration: configuration, store: store, adminToken: Self.adminToken, handoff: handoff)
        var services: [any Service] = []
        if runsWorker {
            services.append(
                AssayApplication.worker(
                    configuration: configuration, store: store, concurrency: 4, queues: workerQueues,
                    handoff: handoff, logger: logger))
        }
        let app = Application(
            router: AssayRouter.build(dependencies: dependencies), services: services, logger: logger)
        return try await app.test(.router, test)
    }

    /// A fixture on a fresh database of the selected backend, its store open but not yet running.
    fileprivate static func make() async throws -> AssayFixture {
        let database = try await TestDatabase.create(TestBackend.selected)
        do {
            return AssayFixture(
                database: database, store: try await database.openStore(), logger: TestDatabase.quiet)
        } catch {
            try? await database.drop()
            throw error
        }
    }

    /// Runs `body` with the store running and the sample assessment stored, then closes the store
    /// and drops the database.
    fileprivate func whileSetUp(_ body: () async throws -> Void) async throws {
        do {
            try await store.whileRunning {
                try await store.insertAssessment(try Self.sampleAssessment(), at: Date())
                try await body()
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }
}

/// Gives each test of a suite its own ``AssayFixture``.
public struct AssayFixtureTrait: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let fixture = try await AssayFixture.make()
        try await fixture.whileSetUp {
            try await AssayFixture.$scoped.withValue(fixture) { try await function() }
        }
    }
}

extension Trait where Self == AssayFixtureTrait {
    /// A fresh store holding the sample assessment for each test, removed afterwards.
    public static var assayFixture: Self { Self() }
}
