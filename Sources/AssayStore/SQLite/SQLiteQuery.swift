import Foundation

/// An SQL statement whose interpolated values become bound parameters, never SQL text.
///
/// ```swift
/// let query: SQLiteQuery = "SELECT document FROM reports WHERE submission_id = \(id)"
/// ```
struct SQLiteQuery: ExpressibleByStringInterpolation, Sendable {
    var sql: String
    var binds: [SQLiteValue]

    init(stringLiteral value: String) {
        sql = value
        binds = []
    }

    init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    /// The queries one after another, `separator` between them, with all their binds.
    static func joined(_ queries: [SQLiteQuery], separator: String = ", ") -> SQLiteQuery {
        var result: SQLiteQuery = ""
        for (index, query) in queries.enumerated() {
            if index > 0 { result.sql += separator }
            result.sql += query.sql
            result.binds += query.binds
        }
        return result
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [SQLiteValue] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 2)
        }

        mutating func appendLiteral(_ literal: String) { sql += literal }

        mutating func appendInterpolation(_ value: String) { bind(.text(value)) }
        mutating func appendInterpolation(_ value: Int) { bind(.integer(value)) }
        mutating func appendInterpolation(_ value: Double) { bind(.float(value)) }
        mutating func appendInterpolation(_ value: Date) { bind(.float(value.timeIntervalSince1970)) }
        mutating func appendInterpolation(json value: Data) {
            bind(.text(String(decoding: value, as: UTF8.self)))
        }
        mutating func appendInterpolation(_ value: String?) { bind(value.map { .text($0) } ?? .null) }
        mutating func appendInterpolation(_ value: Date?) {
            bind(value.map { .float($0.timeIntervalSince1970) } ?? .null)
        }

        /// Appends SQL text as it is: only for fixed text of the program, never for values.
        mutating func appendInterpolation(unsafeRaw text: String) { sql += text }

        /// Appends another query: its SQL text and its binds.
        mutating func appendInterpolation(_ fragment: SQLiteQuery) {
            sql += fragment.sql
            binds += fragment.binds
        }

        private mutating func bind(_ data: SQLiteValue) {
            binds.append(data)
            sql += "?"
        }
    }
}
