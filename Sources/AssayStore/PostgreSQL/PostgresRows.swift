import Foundation
import Logging
import PostgresNIO
import Synchronization

extension PostgresClient {
    /// Runs a statement and collects its rows; a database that cannot be reached is ``StoreError/unavailable(_:)``.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        try await PostgresFailure.answering {
            var rows: [PostgresRandomAccessRow] = []
            for try await row in try await self.query(query, logger: logger) {
                rows.append(row.makeRandomAccess())
            }
            return rows
        }
    }

    /// Runs `body` in one transaction; a database that cannot be reached is ``StoreError/unavailable(_:)``.
    func transaction<T: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await PostgresFailure.answering {
            try await self.withTransaction(logger: logger) { try await body($0) }
        }
    }
}

extension PostgresConnection {
    /// Runs a statement and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await self.query(query, logger: logger) {
            rows.append(row.makeRandomAccess())
        }
        return rows
    }
}

extension PostgresRandomAccessRow {
    func string(_ column: String) throws -> String { try self[column].decode(String.self) }
    func optionalString(_ column: String) throws -> String? { try self[column].decode(String?.self) }
    func int(_ column: String) throws -> Int { try self[column].decode(Int.self) }
    func date(_ column: String) throws -> Date { try self[column].decode(Date.self) }
    func optionalDate(_ column: String) throws -> Date? { try self[column].decode(Date?.self) }
    /// A `text` (or `jsonb::text`) column's UTF-8 bytes.
    func textData(_ column: String) throws -> Data { Data(try string(column).utf8) }
}

/// Tells a database that is away (down, restarting, unreachable) from other errors.
enum PostgresFailure {
    /// How long a statement or transaction may wait for the database before it counts as away.
    static let deadline: Duration = .seconds(10)

    /// Runs `operation`; an error that says the database is away, or no answer within ``deadline``
    /// (the pool waits for a connection as long as the server is down), is ``StoreError/unavailable(_:)``.
    ///
    /// The caller gets its answer at the deadline even if the operation does not stop when cancelled:
    /// it runs in a task of its own, cancelled then and left to end by itself.
    static func answering<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws
        -> T
    {
        let work = Task { try await operation() }
        let outcome = FirstOutcome<T>()
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    outcome.set(continuation)
                    Task {
                        do {
                            outcome.resume(with: .success(try await work.value))
                        } catch {
                            outcome.resume(with: .failure(error))
                        }
                    }
                    Task {
                        try? await Task.sleep(for: deadline)
                        let reason = "no answer within \(deadline.components.seconds) s"
                        if outcome.resume(with: .failure(StoreError.unavailable(reason))) { work.cancel() }
                    }
                }
            } onCancel: {
                work.cancel()
            }
        } catch {
            throw map(error)
        }
    }

    /// `error` itself, or ``StoreError/unavailable(_:)`` when it says the database cannot be reached;
    /// a transaction's error is unwrapped to the error that ended it.
    static func map(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            return map(transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? error)
        }
        guard let error = error as? PSQLError else { return error }
        let unreachable: [PSQLError.Code] = [
            .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
            .sslUnsupported, .failedToAddSSLHandler,
        ]
        if unreachable.contains(error.code) { return StoreError.unavailable("\(error.code)") }
        // SQLSTATE class 08 (connection exception), 57P01 to 57P03 (shutting down, starting up).
        if let state = error.serverInfo?[.sqlState],
            state.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(state)
        {
            return StoreError.unavailable(error.serverInfo?[.message] ?? state)
        }
        return error
    }
}

/// The first of several racing results, handed once to a waiting continuation.
private final class FirstOutcome<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var early: Result<T, any Error>?
        var done = false
    }

    private let state = Mutex(State())

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let early = state.early {
                state.early = nil
                return early
            }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    /// Resumes the waiter with `result` if nothing did before; `true` when this call did.
    @discardableResult
    func resume(with result: Result<T, any Error>) -> Bool {
        let (continuation, first) = state.withLock { state -> (CheckedContinuation<T, any Error>?, Bool) in
            guard !state.done else { return (nil, false) }
            state.done = true
            guard let continuation = state.continuation else {
                state.early = result
                return (nil, true)
            }
            state.continuation = nil
            return (continuation, true)
        }
        continuation?.resume(with: result)
        return first
    }
}
