import Foundation
import Testing

@testable import AssayStore

/// The store's own SQLite connection: values in and out, kept statements, errors and transactions.
@Suite("SQLite connection", .timeLimit(.minutes(1)))
struct SQLiteConnectionTests {
    func withConnection(_ body: (SQLiteConnection) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let connection = try SQLiteConnection(path: folder.appendingPathComponent("test.sqlite").path)
        try await connection.run("CREATE TABLE t (id INTEGER PRIMARY KEY, value ANY)")
        try await body(connection)
        await connection.close()
    }

    @Test(
        "every storage class is bound and read back as it was",
        arguments: [
            SQLiteValue.null, .integer(0), .integer(Int.max), .integer(-42), .float(1.5), .float(-0.25),
            .text(""), .text("naïve ünïcödé 🙂"), .text("nul\u{0}inside"), .blob([]), .blob([0, 255, 7]),
        ])
    func roundTrip(value: SQLiteValue) async throws {
        try await withConnection { connection in
            var insert: SQLiteQuery = "INSERT INTO t (value) VALUES (?) RETURNING value"
            insert.binds = [value]
            let rows = try await connection.run(insert)
            #expect(rows.count == 1)
            let read = rows.first?.column("value")
            // An empty blob is read back as SQLite gives it: a zero-length blob.
            #expect(read == value)
        }
    }

    @Test("a statement run again is compiled once, with new values bound each time")
    func statementsAreKept() async throws {
        try await withConnection { connection in
            for number in 1...5 {
                try await connection.run("INSERT INTO t (value) VALUES (\(number))")
            }
            let rows = try await connection.run("SELECT sum(value) AS total FROM t")
            #expect(rows.first?.int("total") == 15)
            // CREATE, the insert and the sum.
            #expect(await connection.cachedStatementCount == 3)
        }
    }

    @Test("the kept statements never grow past their limit")
    func cacheIsBounded() async throws {
        try await withConnection { connection in
            for number in 0..<300 {
                try await connection.run("SELECT \(unsafeRaw: String(number)) AS n")
            }
            let kept = await connection.cachedStatementCount
            #expect(kept > 0 && kept <= 256)
            let rows = try await connection.run("SELECT 299 AS n")
            #expect(rows.first?.int("n") == 299)
        }
    }

    @Test("SQLite's errors carry its code and message, and the statement can be run again")
    func errors() async throws {
        try await withConnection { connection in
            try await connection.run("CREATE TABLE u (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)")
            try await connection.run("INSERT INTO u (name) VALUES (\("a"))")
            let error = await #expect(throws: SQLiteError.self) {
                try await connection.run("INSERT INTO u (name) VALUES (\("a"))")
            }
            #expect(error?.message.contains("UNIQUE constraint failed: u.name") == true)
            #expect(error?.reason == .other)
            try await connection.run("INSERT INTO u (name) VALUES (\("b"))")
            let count = try await connection.run("SELECT count(*) AS n FROM u").first?.int("n")
            #expect(count == 2)
            await #expect(throws: SQLiteError.self) {
                try await connection.run("SELECT nothing FROM nowhere")
            }
        }
    }

    @Test("text after a statement is refused rather than ignored")
    func oneStatementAtATime() async throws {
        try await withConnection { connection in
            let error = await #expect(throws: SQLiteError.self) {
                try await connection.run("INSERT INTO t (value) VALUES (1); DELETE FROM t")
            }
            #expect(error?.message.hasPrefix("one statement at a time") == true)
            let count = try await connection.run("SELECT count(*) AS n FROM t").first?.int("n")
            #expect(count == 0)
        }
    }

    @Test("a transaction commits all of its statements, or none when its body throws")
    func transactions() async throws {
        struct Refused: Error {}
        try await withConnection { connection in
            try await connection.transaction { connection in
                try connection.run("INSERT INTO t (value) VALUES (1)")
                try connection.run("INSERT INTO t (value) VALUES (2)")
            }
            await #expect(throws: Refused.self) {
                try await connection.transaction { connection in
                    try connection.run("INSERT INTO t (value) VALUES (3)")
                    throw Refused()
                }
            }
            let values = try await connection.run("SELECT value FROM t ORDER BY id").map { $0.int("value") }
            #expect(values == [1, 2])
        }
    }

    @Test("transactions take turns, even a body that suspends half-way, and single statements wait for them")
    func turns() async throws {
        try await withConnection { connection in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for number in 0..<20 {
                    group.addTask {
                        _ = try await connection.transaction { connection in
                            try connection.run("INSERT INTO t (value) VALUES (\(number))")
                            try await Task.sleep(for: .milliseconds(2))
                            try connection.run("INSERT INTO t (value) VALUES (\(number))")
                        }
                    }
                    group.addTask {
                        _ = try await connection.exclusive { connection in
                            try connection.run("INSERT INTO t (value) VALUES (\(100 + number))")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let values = try await connection.run("SELECT value FROM t ORDER BY id").map { $0.int("value") }
            #expect(values.count == 60)
            // Each transaction's two rows are next to each other: nothing ran inside it.
            var index = 0
            while index < values.count {
                if values[index] >= 100 {
                    index += 1
                } else {
                    #expect(values[index + 1] == values[index], "rows \(values)")
                    index += 2
                }
            }
        }
    }

    @Test("a connection let go without close() still closes its database")
    func freedWithoutClose() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("test.sqlite").path
        var connection: SQLiteConnection? = try SQLiteConnection(path: path)
        try await connection?.run("PRAGMA journal_mode = WAL")
        try await connection?.run("CREATE TABLE t (id INTEGER PRIMARY KEY)")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        connection = nil
        // The last connection to close checkpoints and removes the write-ahead log.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test("a closed connection refuses statements")
    func closed() async throws {
        try await withConnection { connection in
            await connection.close()
            await #expect(throws: SQLiteError.self) { try await connection.run("SELECT 1") }
        }
    }
}
