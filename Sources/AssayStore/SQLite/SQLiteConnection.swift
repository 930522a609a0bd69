import CSQLite
import Foundation

/// One connection to an SQLite database, on its own serial queue, keeping its prepared statements.
///
/// SQLite compiles a statement, and the triggers it fires, once per connection here: a statement
/// run again binds new values to the compiled one. Every call runs on the connection's queue
/// (``SQLiteQueueExecutor``); a ``transaction(_:)`` body is isolated to the connection, so its
/// statements run one after another on that queue without a hop between them.
actor SQLiteConnection {
    private nonisolated let executor: SQLiteQueueExecutor
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private let handles: SQLiteHandles
    /// The database handle, `nil` once closed.
    private var handle: OpaquePointer? { handles.database }
    /// More distinct statements than this (a batch's insert has one text per batch size) and the
    /// cache starts again, so that it never grows without bound.
    private static let statementCacheLimit = 256

    /// How many compiled statements the connection keeps now.
    var cachedStatementCount: Int { handles.statements.count }

    private typealias Statement = SQLiteHandles.Statement

    /// The oldest SQLite whose SQL the store uses: `RETURNING` came in 3.35.
    static let minimumVersion = (number: 3_035_000, text: "3.35")

    /// Opens (creating if needed) the database file at `path`; fails on a system SQLite older
    /// than ``minimumVersion``.
    init(path: String) throws {
        guard sqlite3_libversion_number() >= Self.minimumVersion.number else {
            throw SQLiteError(
                code: SQLITE_ERROR,
                message: "SQLite \(String(cString: sqlite3_libversion())) is older than "
                    + "\(Self.minimumVersion.text), the oldest Assay runs on")
        }
        executor = SQLiteQueueExecutor(label: "assay.sqlite")
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK else {
            let error = SQLiteError(code: result, connection: handle)
            sqlite3_close_v2(handle)
            throw error
        }
        guard let handle else {
            throw SQLiteError(code: SQLITE_NOMEM, message: "SQLite could not open \(path)")
        }
        sqlite3_extended_result_codes(handle, 0)
        handles = SQLiteHandles(database: handle)
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    func run(_ query: SQLiteQuery) throws -> [SQLiteRow] {
        let statement = try prepared(query.sql)
        defer {
            sqlite3_reset(statement.handle)
            sqlite3_clear_bindings(statement.handle)
        }
        for (index, value) in query.binds.enumerated() {
            try bind(value, at: Int32(index + 1), to: statement.handle)
        }
        var rows: [SQLiteRow] = []
        let count = Int32(statement.columns.count)
        while true {
            let result = sqlite3_step(statement.handle)
            if result == SQLITE_DONE { return rows }
            guard result == SQLITE_ROW else { throw SQLiteError(code: result, connection: handle) }
            var values: [SQLiteValue] = []
            values.reserveCapacity(Int(count))
            for column in 0..<count { values.append(Self.value(of: statement.handle, column: column)) }
            rows.append(SQLiteRow(columns: statement.columns, values: values))
        }
    }

    /// Runs `body` in one `BEGIN IMMEDIATE` transaction: all of it commits, or none.
    ///
    /// Transactions and ``exclusive(_:)`` calls take turns, first come first served. The turn is
    /// kept on the connection's own queue, so that it lasts as long as the statements do and not
    /// also as long as the hops to and from the caller's thread.
    func transaction<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) async throws -> T)
        async throws
        -> T
    {
        try await exclusive { connection in
            try connection.run("BEGIN IMMEDIATE")
            do {
                let result = try await body(connection)
                try connection.run("COMMIT")
                return result
            } catch {
                if sqlite3_get_autocommit(connection.handle) == 0 { _ = try? connection.run("ROLLBACK") }
                throw error
            }
        }
    }

    /// Runs `body` when no other transaction or exclusive call is under way, in turn.
    ///
    /// A body that never suspends holds the connection by actor isolation alone; this turn also
    /// covers one that does, so that another caller's statements never land inside its transaction.
    func exclusive<T: Sendable>(_ body: @Sendable (isolated SQLiteConnection) async throws -> T) async throws
        -> T
    {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer {
            // The turn passes to the first waiter, still taken, so that no later caller can step in.
            if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() }
        }
        return try await body(self)
    }

    /// Whether a transaction or exclusive call has the connection.
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Closes the connection once no transaction has it; a statement run afterwards throws.
    func close() async {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer { if waiters.isEmpty { busy = false } else { waiters.removeFirst().resume() } }
        handles.close()
    }

    private func prepared(_ sql: String) throws -> Statement {
        if let statement = handles.statements[sql] { return statement }
        guard let handle else { throw SQLiteError(code: SQLITE_MISUSE, message: "the connection is closed") }
        var compiled: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let result = sql.withCString { text in
            let prepared = sqlite3_prepare_v3(
                handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &compiled, &tail)
            // One statement per call: text after the first would otherwise be ignored unseen.
            if prepared == SQLITE_OK, let rest = tail,
                String(cString: rest).contains(where: { !$0.isWhitespace })
            {
                return SQLITE_MISUSE
            }
            return prepared
        }
        guard result == SQLITE_OK, let compiled else {
            let error =
                result == SQLITE_MISUSE
                ? SQLiteError(code: result, message: "one statement at a time: \(sql)")
                : SQLiteError(code: result, connection: handle)
            sqlite3_finalize(compiled)
            throw error
        }
        let columns = (0..<sqlite3_column_count(compiled)).map {
            String(cString: sqlite3_column_name(compiled, $0))
        }
        if handles.statements.count >= Self.statementCacheLimit { handles.forgetStatements() }
        let statement = Statement(handle: compiled, columns: columns)
        handles.keep(statement, for: sql)
        return statement
    }

    private func bind(_ value: SQLiteValue, at index: Int32, to statement: OpaquePointer) throws {
        let result: Int32
        switch value {
        case .null: result = sqlite3_bind_null(statement, index)
        case .integer(let integer): result = sqlite3_bind_int64(statement, index, Int64(integer))
        case .float(let float): result = sqlite3_bind_double(statement, index, float)
        case .text(let text):
            result = sqlite3_bind_text(statement, index, text, Int32(text.utf8.count), Self.transient)
        case .blob(let bytes) where bytes.isEmpty:
            // A null pointer would bind NULL, not an empty blob.
            result = sqlite3_bind_zeroblob(statement, index, 0)
        case .blob(let bytes):
            result = bytes.withUnsafeBytes {
                sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient)
            }
        }
        guard result == SQLITE_OK else { throw SQLiteError(code: result, connection: handle) }
    }

    /// SQLite's `SQLITE_TRANSIENT`: it copies a bound value before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private static func value(of statement: OpaquePointer, column: Int32) -> SQLiteValue {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER: return .integer(Int(sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT: return .float(sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, column) else { return .text("") }
            let count = Int(sqlite3_column_bytes(statement, column))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard let bytes = sqlite3_column_blob(statement, column), count > 0 else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }
}
