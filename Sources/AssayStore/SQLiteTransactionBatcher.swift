import SQLiteNIO

/// Runs writes that arrive together in one SQLite transaction (group commit).
///
/// `body` writes a whole batch with as few statements as it can and returns one result per item.
/// When the batch fails as a whole, each item is written again alone, so one bad item fails only
/// its own caller. `afterCommit` runs once a batch has committed (to wake workers, say).
final class SQLiteTransactionBatcher<Item: Sendable, Output: Sendable>: Sendable {
    typealias Body = @Sendable ([Item], SQLiteConnection) async throws -> [Result<Output, any Error>]
    typealias AfterCommit = @Sendable ([Item], [Result<Output, any Error>]) -> Void

    private let batcher: WriteBatcher<Item, Output>

    init(
        pool: SQLiteConnectionPool, maximumBatch: Int = 256, body: @escaping Body,
        afterCommit: @escaping AfterCommit = { _, _ in }
    ) {
        batcher = WriteBatcher(maximumBatch: maximumBatch) { batch in
            await Self.write(batch, pool: pool, body: body, afterCommit: afterCommit)
        }
    }

    func submit(_ item: Item) async throws -> Output {
        try await batcher.submit(item)
    }

    private static func write(
        _ batch: [Item], pool: SQLiteConnectionPool, body: Body, afterCommit: AfterCommit
    ) async -> [Result<Output, any Error>] {
        do {
            let results = try await pool.transaction { try await body(batch, $0) }
            afterCommit(batch, results)
            return results
        } catch  where batch.count > 1 {
            var results: [Result<Output, any Error>] = []
            for item in batch {
                results += await write([item], pool: pool, body: body, afterCommit: afterCommit)
            }
            return results
        } catch {
            return [.failure(error)]
        }
    }
}
