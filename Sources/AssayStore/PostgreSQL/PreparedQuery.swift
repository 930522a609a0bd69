import Logging
import PostgresNIO

/// A statement that PostgreSQL parses, analyses and plans once per connection, as a named prepared
/// statement, instead of at every call.
///
/// A conformer builds its ``query`` with binds through string interpolation, as every statement
/// here is written, and names its text once: `static let sql = Self(<any values>).query.sql`. The
/// text must not depend on the values (an array is one bind, whatever its length), and every bind
/// whose type PostgreSQL cannot tell from where it stands (a value in a `SELECT` list, an
/// argument of an overloaded function) carries a cast, since the server, not the value, decides
/// the type of a prepared statement's parameter.
///
/// The statements that run for every submission and every job are prepared: before, parsing and
/// planning them took about a fifth of PostgreSQL's CPU time per submission.
protocol PreparedQuery: PostgresPreparedStatement where Row == PostgresRandomAccessRow {
    /// The statement with its values bound.
    var query: PostgresQuery { get }
}

extension PreparedQuery {
    func makeBindings() -> PostgresBindings {
        assert(query.sql == Self.sql, "\(Self.self)'s text depends on its values")
        return query.binds
    }

    func decodeRow(_ row: PostgresRow) -> PostgresRandomAccessRow { row.makeRandomAccess() }
}

extension PostgresConnection {
    /// Runs a prepared statement and collects its rows.
    @discardableResult
    func rows(_ statement: some PreparedQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        var rows: [PostgresRandomAccessRow] = []
        for try await row in try await execute(statement, logger: logger) { rows.append(row) }
        return rows
    }
}
