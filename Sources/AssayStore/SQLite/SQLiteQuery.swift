import Foundation
import SQLiteNIO

/// An SQL statement whose interpolated values become bound parameters, never SQL text.
///
/// ```swift
/// let query: SQLiteQuery = "SELECT document FROM reports WHERE submission_id = \(id)"
/// ```
public struct SQLiteQuery: ExpressibleByStringInterpolation, Sendable {
    public var sql: String
    public var binds: [SQLiteData]

    public init(stringLiteral value: String) {
        sql = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    /// The queries one after another, `separator` between them, with all their binds.
    public static func joined(_ queries: [SQLiteQuery], separator: String = ", ") -> SQLiteQuery {
        var result: SQLiteQuery = ""
        for (index, query) in queries.enumerated() {
            if index > 0 { result.sql += separator }
            result.sql += query.sql
            result.binds += query.binds
        }
        return result
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [SQLiteData] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 2)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        public mutating func appendInterpolation(_ value: String) { bind(.text(value)) }
        public mutating func appendInterpolation(_ value: Int) { bind(.integer(value)) }
        public mutating func appendInterpolation(_ value: Double) { bind(.float(value)) }
        public mutating func appendInterpolation(_ value: Date) { bind(.float(value.timeIntervalSince1970)) }
        public mutating func appendInterpolation(json value: Data) {
            bind(.text(String(decoding: value, as: UTF8.self)))
        }
        public mutating func appendInterpolation(_ value: String?) { bind(value.map { .text($0) } ?? .null) }
        public mutating func appendInterpolation(_ value: Date?) {
            bind(value.map { .float($0.timeIntervalSince1970) } ?? .null)
        }

        /// Appends SQL text as it is: only for fixed text of the program, never for values.
        public mutating func appendInterpolation(unsafeRaw text: String) { sql += text }

        /// Appends another query: its SQL text and its binds.
        public mutating func appendInterpolation(_ fragment: SQLiteQuery) {
            sql += fragment.sql
            binds += fragment.binds
        }

        private mutating func bind(_ data: SQLiteData) {
            binds.append(data)
            sql += "?"
        }
    }
}

extension SQLiteConnection {
    /// Runs a statement and returns its rows.
    @discardableResult
    func run(_ query: SQLiteQuery) async throws -> [SQLiteRow] {
        try await self.query(query.sql, query.binds)
    }
}

extension SQLiteRow {
    func string(_ column: String) -> String? { self.column(column)?.string }
    func int(_ column: String) -> Int { self.column(column)?.integer ?? 0 }
    func double(_ column: String) -> Double { self.column(column)?.double ?? 0 }
    func date(_ column: String) -> Date? {
        guard let data = self.column(column), !data.isNull, let seconds = data.double else { return nil }
        return Date(timeIntervalSince1970: seconds)
    }
    func data(_ column: String) -> Data { Data((string(column) ?? "").utf8) }
}
