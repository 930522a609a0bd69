import Metrics
import Synchronization

/// Gathers requests that arrive together and hands them to one flush, so that many writes share
/// one transaction (group commit) and many reads one statement.
///
/// The first caller to find fewer than `flushes` flushes running starts one; callers that arrive
/// while they run wait for the next flush, which takes all of them at once. A lone caller is
/// flushed at once, alone. Two flushes in flight keep a database busy while the other batch
/// travels (for backends whose writes may overlap).
///
/// At most `maximumPending` requests wait for a flush; one more fails at once with
/// ``StoreError/overloaded(pending:)`` instead of queueing without end behind a slow database.
///
/// The size of each flush is recorded as `assay_database_batch_size`, labelled with `name`.
final class RequestBatcher<Item: Sendable, Output: Sendable>: Sendable {
    typealias Flush = @Sendable ([Item]) async -> [Result<Output, any Error>]

    private struct Pending {
        var item: Item
        var continuation: CheckedContinuation<Output, any Error>
    }

    private struct State {
        var pending: [Pending] = []
        var flushing = 0
    }

    private let state = Mutex(State())
    private let maximumBatch: Int
    private let maximumPending: Int
    private let flushes: Int
    private let flush: Flush
    private let name: String

    init(name: String, maximumBatch: Int, maximumPending: Int, flushes: Int = 1, flush: @escaping Flush) {
        self.name = name
        self.maximumBatch = maximumBatch
        self.maximumPending = maximumPending
        self.flushes = flushes
        self.flush = flush
    }

    func submit(_ item: Item) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            let admission = state.withLock { state -> Admission in
                guard state.pending.count < maximumPending else { return .refused(state.pending.count) }
                state.pending.append(Pending(item: item, continuation: continuation))
                guard state.flushing < flushes else { return .queued }
                state.flushing += 1
                return .startsFlush
            }
            switch admission {
            case .refused(let pending): continuation.resume(throwing: StoreError.overloaded(pending: pending))
            case .queued: break
            case .startsFlush: Task { await self.drain() }
            }
        }
    }

    private enum Admission {
        case refused(Int)
        case queued
        case startsFlush
    }

    private func drain() async {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let batch = Array(state.pending.prefix(maximumBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.flushing -= 1 }
                return batch
            }
            guard !batch.isEmpty else { return }
            Recorder(label: "assay_database_batch_size", dimensions: [("batch", name)], aggregate: true)
                .record(batch.count)
            let results = await flush(batch.map(\.item))
            for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
        }
    }
}
