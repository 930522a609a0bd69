import AssayStore
import ServiceLifecycle

/// Keeps the store open while the service group runs and closes it last.
///
/// Listed first in the group, it starts before and stops after everything that uses the store.
public struct StoreService: Service {
    let store: any AssayStore

    public init(store: any AssayStore) {
        self.store = store
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await store.close()
    }
}
