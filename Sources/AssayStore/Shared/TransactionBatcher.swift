/// Runs writes that arrive together in one database transaction (group commit).
///
/// `write` stores a whole batch in one transaction, with as few statements as it can, and returns
/// one result per item. When the batch fails because of one of its items, each item is written
/// again alone, so one bad item fails only its own caller; when it fails because the database
/// itself is away, read-only, full or locked (``StoreError/failsEveryWrite``), every caller gets
/// that error at once, since writing each alone would only meet it again, one deadline after
/// another. `afterCommit` runs once a batch has committed (to wake workers, say). At most
/// `maximumPending` writes wait (``RequestBatcher``).
final class TransactionBatcher<Item: Sendable, Output: Sendable>: Sendable {
    typealias Write = @Sendable ([Item]) async throws -> [Result<Output, any Error>]
    typealias AfterCommit = @Sendable ([Item], [Result<Output, any Error>]) -> Void

    private let batcher: RequestBatcher<Item, Output>

    init(
        name: String, maximumBatch: Int = 256, maximumPending: Int, flushes: Int = 1, write: @escaping Write,
        afterCommit: @escaping AfterCommit = { _, _ in }
    ) {
        batcher = RequestBatcher(
            name: name, maximumBatch: maximumBatch, maximumPending: maximumPending, flushes: flushes
        ) {
            batch in
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
        } catch let error as StoreError where error.failsEveryWrite {
            return batch.map { _ in .failure(error) }
        } catch  where batch.count > 1 {
            var results: [Result<Output, any Error>] = []
            for item in batch { results += await Self.write([item], write: write, afterCommit: afterCommit) }
            return results
        } catch {
            return [.failure(error)]
        }
    }
}
