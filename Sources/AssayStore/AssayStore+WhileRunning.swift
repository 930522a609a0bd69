extension AssayStore {
    /// Runs the store (``run()``) beside `body`, then closes it, whether `body` succeeds or throws:
    /// a one-shot use of the store, outside a service group, with nothing of it left running after.
    public func whileRunning<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await self.run() }
            let result: T
            do {
                result = try await body()
            } catch {
                try? await close()
                throw error
            }
            try await close()
            return result
        }
    }
}
