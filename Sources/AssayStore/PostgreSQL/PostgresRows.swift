import Foundation
import Logging
import PostgresNIO

extension PostgresClient {
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
