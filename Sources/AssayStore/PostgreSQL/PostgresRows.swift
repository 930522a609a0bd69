import Foundation
import JobQueue
import Logging
import PostgresNIO
import _ConnectionPoolModule

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
    /// `onExpiry` is called when the deadline passes first, before the caller is answered.
    static func answering<T: Sendable>(
        onExpiry: @escaping @Sendable () -> Void = {}, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        do {
            let reason = "no answer within \(deadline.components.seconds) s"
            return try await withDeadline(
                deadline,
                expired: {
                    onExpiry()
                    return StoreError.unavailable(reason)
                }, operation)
        } catch {
            throw map(error)
        }
    }

    /// Runs `operation`, and once more when the server aborted it to end a deadlock (SQLSTATE 40P01)
    /// or a serialization failure (40001): such an abort rolled all of it back, and a second try
    /// usually finds the other transaction gone. A second conflict is thrown.
    static func retryingConflictOnce<T: Sendable>(logger: Logger, _ operation: () async throws -> T)
        async throws -> T
    {
        do {
            return try await operation()
        } catch let error as PSQLError where isConflict(error) {
            logger.notice(
                "statement aborted by a lock conflict; retrying once",
                metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
            return try await operation()
        }
    }

    /// Whether the server aborted the statement to end a deadlock or a serialization failure.
    static func isConflict(_ error: PSQLError) -> Bool {
        ["40P01", "40001"].contains(error.serverInfo?[.sqlState])
    }

    /// `error` itself, or ``StoreError/unavailable(_:)`` when it says the database cannot be reached;
    /// a transaction's error is unwrapped to the error that ended it.
    static func map(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            return map(transaction.closureError ?? transaction.beginError ?? transaction.commitError ?? error)
        }
        if let error = error as? ConnectionPoolError, error == .connectionCreationCircuitBreakerTripped {
            return StoreError.unavailable("no connection could be made for a minute; retrying")
        }
        guard let error = error as? PSQLError else { return error }
        // The server refused the connection: a wrong password (class 28), an unknown database (3D000).
        if let state = error.serverInfo?[.sqlState], state.hasPrefix("28") || state == "3D000" {
            return StoreError.connectionRejected(error.serverInfo?[.message] ?? state)
        }
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
