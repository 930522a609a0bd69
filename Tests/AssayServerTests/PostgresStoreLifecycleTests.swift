import AssayServer
import AssayStore
import AssayTestSupport
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The PostgreSQL store's connection pool runs inside the store's `run()`, which a service group
/// runs: nothing of it starts before, or outlives, the group.
@Suite("PostgreSQL: the connection pool runs in the service group", .timeLimit(.minutes(2)))
struct PostgresStoreLifecycleTests {
    @Test(
        "a statement made before the store runs waits for it, and the group's end leaves no connection open")
    func poolLivesInTheGroup() async throws {
        let database = try await TestDatabase.create(.postgres)
        do {
            let store = try await database.openStore()
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: StoreService(store: store))], logger: TestDatabase.quiet))
            let answered = Flag()
            try await withThrowingTaskGroup { tasks in
                tasks.addTask {
                    try await store.ping()
                    answered.set()
                }
                try await Task.sleep(for: .milliseconds(500))
                #expect(!answered.isSet, "a statement was answered before the store ran")
                tasks.addTask { try await group.run() }
                let ok = try await eventually { answered.isSet }
                #expect(ok, "the statement waiting for the store was not answered once it ran")
                #expect(try await connections(to: database) > 0)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(try await connections(to: database) == 0)
            await #expect(throws: StoreError.self) { try await store.ping() }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    @Test("a cancelled group ends the store's pool too")
    func cancelledGroup() async throws {
        let database = try await TestDatabase.create(.postgres)
        do {
            let store = try await database.openStore()
            try await withThrowingTaskGroup { tasks in
                tasks.addTask {
                    try await ServiceGroup(
                        configuration: .init(
                            services: [.init(service: StoreService(store: store))], logger: TestDatabase.quiet
                        )
                    ).run()
                }
                try await store.ping()
                tasks.cancelAll()
                try? await tasks.waitForAll()
            }
            #expect(try await connections(to: database) == 0)
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    /// The store's connections to the test database: every backend on it but the one asking.
    private func connections(to database: TestDatabase) async throws -> Int {
        try await TestDatabase.postgresCount(
            url: database.url,
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    }
}

/// Set once, from any task.
private final class Flag: Sendable {
    private let value = Mutex(false)

    var isSet: Bool { value.withLock { $0 } }

    func set() { value.withLock { $0 = true } }
}
