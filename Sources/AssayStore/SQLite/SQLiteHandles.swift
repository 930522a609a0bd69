import CSQLite

/// The C side of one open SQLite connection: the database handle and its compiled statements,
/// finalized and closed by ``close()`` or, at the latest, when the connection that owns them goes.
///
/// One ``SQLiteConnection`` owns it and uses it only on its own queue.
final class SQLiteHandles {
    /// `nil` once closed.
    private(set) var database: OpaquePointer?
    private(set) var statements: [String: Statement] = [:]

    /// A compiled statement and the names of its result columns.
    struct Statement {
        let handle: OpaquePointer
        let columns: [String]
    }

    init(database: OpaquePointer) {
        self.database = database
    }

    deinit {
        close()
    }

    /// Keeps `statement` for `sql`.
    func keep(_ statement: Statement, for sql: String) {
        statements[sql] = statement
    }

    /// Finalizes every kept statement.
    func forgetStatements() {
        for statement in statements.values { sqlite3_finalize(statement.handle) }
        statements.removeAll()
    }

    /// Finalizes the statements and closes the database; nothing is left to free afterwards.
    func close() {
        forgetStatements()
        if let database { sqlite3_close_v2(database) }
        database = nil
    }
}
