import Foundation

/// One row a statement returned: its values, by the statement's column names.
struct SQLiteRow: Sendable {
    /// The statement's column names, shared by all its rows.
    let columns: [String]
    let values: [SQLiteValue]

    /// The value of the first column named `name`, or `nil` when the statement has no such column.
    func column(_ name: String) -> SQLiteValue? {
        columns.firstIndex(of: name).map { values[$0] }
    }

    func string(_ column: String) -> String? { self.column(column)?.string }
    func int(_ column: String) -> Int { self.column(column)?.integer ?? 0 }
    func double(_ column: String) -> Double { self.column(column)?.double ?? 0 }

    /// A date stored as seconds since 1970, or `nil` for NULL.
    func date(_ column: String) -> Date? {
        guard let value = self.column(column), !value.isNull, let seconds = value.double else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Text as its UTF-8 bytes, empty for NULL.
    func data(_ column: String) -> Data { Data((string(column) ?? "").utf8) }
}
