import Foundation
import Synchronization

/// One writer connection, whose transactions take turns on its own queue, and a few reader connections.
///
/// SQLite allows one writer at a time; serialising writes in the process means no request ever
/// sees "database is locked", and WAL mode lets readers run beside the writer. Between processes
/// the busy timeout makes writers wait their turn.
///
/// A write that fails because the database is read-only, full, or locked by another process past
/// the busy timeout throws ``StoreError/readOnly(_:)``, ``StoreError/full(_:)`` or
/// ``StoreError/busy(_:)``, and the pool remembers it until a write succeeds: ``writeFailure``.
final class SQLiteConnectionPool: Sendable {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    /// Reads in flight, and whether the pool is closed: a connection is closed only once no
    /// statement runs on it, since SQLite must not close a handle another thread is using.
    private let readState = Mutex((inFlight: 0, closed: false))
    private let lastWriteFailure = Mutex<StoreError?>(nil)

    /// Why the last write failed, if the database refused it and no write has succeeded since.
    var writeFailure: StoreError? { lastWriteFailure.withLock { $0 } }

    private init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers
    }

    static func open(path: String, readerCount: Int) async throws -> SQLiteConnectionPool {
        let writer = try await openConnection(path: path)
        try await writer.run("PRAGMA journal_mode = WAL")
        var readers: [SQLiteConnection] = []
        for _ in 0..<readerCount {
            let reader = try await openConnection(path: path)
            try await reader.run("PRAGMA query_only = ON")
            readers.append(reader)
        }
        return SQLiteConnectionPool(writer: writer, readers: readers)
    }

    /// Creates an empty database file at `path` with mode 0600 unless a file is there already, so
    /// that SQLite, which gives its `-wal` and `-shm` files the database file's mode, never makes
    /// one readable by others. Any other failure is left for SQLite's open to report.
    static func createPrivateFile(path: String) {
        let descriptor = Foundation.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor >= 0 { _ = Foundation.close(descriptor) }
    }

    private static func openConnection(path: String) async throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path)
        try await connection.run("PRAGMA busy_timeout = 10000")
        try await connection.run("PRAGMA synchronous = NORMAL")
        try await connection.run("PRAGMA foreign_keys = ON")
        try await connection.run("PRAGMA cache_size = -32768")
        // Reads through SQLite's page cache, not a memory map of the file: a map is made again
        // each time the growing file outgrows it, in every connection, and each unmap flushed
        // both cores' TLBs (munmap was 2.7 % of the embedded server's samples under load).
        try await connection.run("PRAGMA mmap_size = 0")
        // Statement journals and sorts in memory: on a file, SQLite created and deleted a temporary
        // file in /var/tmp for many a multi-row write.
        try await connection.run("PRAGMA temp_store = MEMORY")
        return connection
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction on the writer: all of it commits, or none.
    /// The body is isolated to the writer, so its statements run without a hop between them.
    func transaction<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) async throws -> T)
        async throws
        -> T
    {
        try checkOpen()
        do {
            let result = try await writer.transaction(body)
            lastWriteFailure.withLock { $0 = nil }
            return result
        } catch {
            throw remembered(error)
        }
    }

    /// Runs one statement on the writer, outside any larger transaction.
    @discardableResult
    func write(_ query: SQLiteQuery) async throws -> [SQLiteRow] {
        try checkOpen()
        do {
            let rows = try await writer.exclusive { try $0.run(query) }
            lastWriteFailure.withLock { $0 = nil }
            return rows
        } catch {
            throw remembered(error)
        }
    }

    /// A write's error as the store tells it: the database's refusal becomes a ``StoreError`` that
    /// is remembered until a write succeeds; any other error is returned as it is.
    private func remembered(_ error: any Error) -> any Error {
        guard let error = error as? SQLiteError, let refusal = Self.refusal(error) else { return error }
        lastWriteFailure.withLock { $0 = refusal }
        return refusal
    }

    /// The store's account of an error that every write would meet now, or `nil` for one statement's error.
    private static func refusal(_ error: SQLiteError) -> StoreError? {
        switch error.reason {
        case .readOnly: .readOnly(error.message)
        case .full: .full(error.message)
        case .busy: .busy(error.message)
        case .other: nil
        }
    }

    /// Runs a read-only statement on a reader connection.
    func read(_ query: SQLiteQuery) async throws -> [SQLiteRow] {
        let admitted = readState.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.inFlight += 1
            return true
        }
        guard admitted else { throw StoreError.unavailable("the database is closed") }
        defer { readState.withLock { $0.inFlight -= 1 } }
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        return try await readers[index % readers.count].run(query)
    }

    private func checkOpen() throws {
        if readState.withLock({ $0.closed }) { throw StoreError.unavailable("the database is closed") }
    }

    /// Closes the connections once the statements running on them have finished.
    func close() async throws {
        let alreadyClosed = readState.withLock { state -> Bool in
            defer { state.closed = true }
            return state.closed
        }
        guard !alreadyClosed else { return }
        while readState.withLock({ $0.inFlight }) > 0 { try await Task.sleep(for: .milliseconds(1)) }
        for reader in readers { await reader.close() }
        await writer.close()
    }
}
