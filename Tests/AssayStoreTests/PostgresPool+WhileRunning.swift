@testable import AssayStore

extension PostgresPool {
    /// Runs `body` with the pool running, then closes it, as the store's `whileRunning` does.
    func whileRunning(_ body: () async throws -> Void) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await self.run() }
            do {
                try await body()
            } catch {
                await close()
                throw error
            }
            await close()
        }
    }
}
