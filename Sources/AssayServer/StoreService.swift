import AssayStore
import ServiceLifecycle

/// Keeps the store open while the service group runs and closes it last.
///
/// Listed first in the group, it starts before and stops after everything that uses the store. It
/// ends on graceful shutdown or when its task is cancelled (the group could not start, say); the
/// store is closed to the end either way, since its connections must be closed before they are freed.
public struct StoreService: Service {
    let store: any AssayStore

    public init(store: any AssayStore) {
        self.store = store
    }

    public func run() async throws {
        try? await gracefulShutdown()
        // A task of its own, which the group's cancellation does not reach.
        try await Task { [store] in try await store.close() }.value
    }
}
