/// Runs writes that arrive together in one database transaction (group commit).
///
/// `write` stores a whole batch in one transaction, with as few statements as it can, and returns
/// one result per item. When the batch fails as a whole, each item is written again alone, so one
/// bad item fails only its own caller. `afterCommit` runs once a batch has committed (to wake
/// workers, say).
final class TransactionBatcher<Item: Sendable, Output: Sendable>: Sendable {
    typealias Write = @Sendable ([Item]) async throws -> [Result<Output, any Error>]
    typealias AfterCommit = @Sendable ([Item], [Result<Output, any Error>]) -> Void

    private let batcher: RequestBatcher<Item, Output>

    init(
        maximumBatch: Int = 256, flushes: Int = 1, write: @escaping Write,
        afterCommit: @escaping AfterCommit = { _, _ in }
    ) {
        batcher = RequestBatcher(maximumBatch: maximumBatch, flushes: flushes) { batch in
            await Self.write(batch, write: write, afterCommit: afterCommit)
        }
    }

    func submit(_ item: Item) async throws -> Output {
        try await batcher.submit(item)
    }

    private static func write(_ batch: [Item], write: Write, afterCommit: AfterCommit) async
        -> [Result<Output, any Error>]
    {
        do {
            let results = try await write(batch)
            afterCommit(batch, results)
            return results
        } catch  where batch.count > 1 {
            var results: [Result<Output, any Error>] = []
            for item in batch { results += await Self.write([item], write: write, afterCommit: afterCommit) }
            return results
        } catch {
            return [.failure(error)]
        }
    }
}
