import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// One writer connection behind a first-come, first-served lock, and a few reader connections.
///
/// SQLite allows one writer at a time; serialising writes in the process means no request ever
/// sees "database is locked", and WAL mode lets readers run beside the writer. Between processes
/// the busy timeout makes writers wait their turn.
final class SQLiteConnectionPool: Sendable {
    private let writer: SQLiteConnection
    private let writeLock = AsyncLock()
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)

    private init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers
    }

    static func open(path: String, readerCount: Int, logger: Logger) async throws -> SQLiteConnectionPool {
        let writer = try await openConnection(path: path, logger: logger)
        try await writer.run("PRAGMA journal_mode = WAL")
        var readers: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            let reader = try await openConnection(path: path, logger: logger)
            try await reader.run("PRAGMA query_only = ON")
            readers.append(reader)
        }
        return SQLiteConnectionPool(writer: writer, readers: readers)
    }

    private static func openConnection(path: String, logger: Logger) async throws -> SQLiteConnection {
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        try await connection.run("PRAGMA busy_timeout = 10000")
        try await connection.run("PRAGMA synchronous = NORMAL")
        try await connection.run("PRAGMA foreign_keys = ON")
        try await connection.run("PRAGMA cache_size = -32768")
        try await connection.run("PRAGMA mmap_size = 268435456")
        return connection
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer: all of it commits, or none.
    func transaction<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await writeLock.withLock {
            try await writer.run("BEGIN IMMEDIATE")
            do {
                let result = try await body(writer)
                try await writer.run("COMMIT")
                return result
            } catch {
                _ = try? await writer.run("ROLLBACK")
                throw error
            }
        }
    }

    /// Runs one statement on the writer, outside any larger transaction.
    @discardableResult
    func write(_ query: SQLiteQuery) async throws -> [SQLiteRow] {
        try await writeLock.withLock { try await writer.run(query) }
    }

    /// Runs a read-only statement on a reader connection.
    func read(_ query: SQLiteQuery) async throws -> [SQLiteRow] {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await readers[index % readers.count].run(query)
    }

    func close() async throws {
        for reader in readers { try await reader.close() }
        try await writeLock.withLock { try await writer.close() }
    }
}
