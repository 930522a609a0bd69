import AssayStore
import ServiceLifecycle

/// Runs the store while the service group runs, and closes it last.
///
/// Listed first in the group, it starts before and stops after everything that uses the store: by
/// the time its graceful shutdown comes, the HTTP server and the workers have ended, and nothing
/// waits on the store. It ends on graceful shutdown, or when its task is cancelled (the group could
/// not start, say); the store is closed either way, and ``run()`` returns once the store's own
/// tasks (PostgreSQL's connection pool) have ended.
public struct StoreService: Service {
    let store: any AssayStore

    public init(store: any AssayStore) {
        self.store = store
    }

    public func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await store.run() }
            try? await gracefulShutdown()
            // Closing must finish in a cancelled group too (SQLite's connections must be closed
            // before they are freed), and Swift has no cancellation shield: a task of its own,
            // which the group's cancellation does not reach, awaited here.
            try await Task { [store] in try await store.close() }.value
        }
    }
}
