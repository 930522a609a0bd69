import CSQLite

/// An error SQLite returned: its primary result code and its message.
struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// SQLite's primary result code (`SQLITE_BUSY`, `SQLITE_FULL`, …).
    let code: Int32
    let message: String

    /// Why every write would fail now, as opposed to one statement's own error.
    enum Reason: Sendable {
        case readOnly, full, busy, other
    }

    var reason: Reason {
        switch code {
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN: .readOnly
        case SQLITE_FULL: .full
        case SQLITE_BUSY, SQLITE_LOCKED: .busy
        default: .other
        }
    }

    var description: String { message }

    init(code: Int32, message: String) {
        self.code = code & 0xff
        self.message = message
    }

    /// The connection's last error, with `code` as its result code.
    init(code: Int32, connection: OpaquePointer?) {
        self.code = code & 0xff
        let text = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        message = text ?? String(cString: sqlite3_errstr(code))
    }
}
