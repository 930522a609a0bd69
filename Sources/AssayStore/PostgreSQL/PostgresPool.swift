import Foundation
import JobQueue
import Logging
import PostgresNIO
import Synchronization
import _ConnectionPoolModule

/// The store's connection pool: postgres-nio's `PostgresClient`, replaced by a fresh one when
/// the server is back after an outage that the pool has not noticed yet.
///
/// While the server is away, postgres-nio's pool waits longer and longer between connection
/// attempts (up to a minute), and after a minute fails every request at once (its circuit
/// breaker); after a long outage it would notice the server's return only many seconds late.
/// So when a statement finds the database away, a probe connects once a second on a connection
/// of its own; once it connects, the pool gets a second to answer `SELECT 1`, and when it does
/// not, after an outage, a new pool takes its place and the old one is shut down.
///
/// Every statement and transaction has ``PostgresFailure/deadline``: no answer by then is
/// ``StoreError/unavailable(_:)``. A transaction abandoned at its deadline rolls back rather than
/// commit after its caller was told it failed, and the server ends any statement of it still
/// running (`statement_timeout`).
final class PostgresPool: Sendable {
    private struct State {
        var client: PostgresClient
        var runner: Task<Void, Never>
        var probe: Task<Void, Never>?
        var closed = false
    }

    private let state: Mutex<State>
    private let url: PostgresDatabaseURL
    private let configuration: PostgresClient.Configuration
    private let logger: Logger

    init(url: PostgresDatabaseURL, maximumConnections: Int, logger: Logger) {
        var configuration = url.clientConfiguration()
        configuration.options.maximumConnections = maximumConnections
        let seconds = PostgresFailure.deadline.components.seconds
        configuration.options.additionalStartupParameters = [("statement_timeout", "\(seconds)s")]
        self.url = url
        self.configuration = configuration
        self.logger = logger
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        state = Mutex(State(client: client, runner: Task.immediate { await client.run() }))
    }

    /// The pool in use now, for work that takes its own time (migrations).
    var client: PostgresClient { state.withLock { $0.client } }

    /// Runs a statement and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        let client = client
        return try await answering(onExpiry: {}) {
            var rows: [PostgresRandomAccessRow] = []
            for try await row in try await client.query(query, logger: logger) {
                rows.append(row.makeRandomAccess())
            }
            return rows
        }
    }

    /// Runs `body` in one transaction: all of it commits, or none, and none once its caller has
    /// been answered ``StoreError/unavailable(_:)`` at the deadline.
    func transaction<T: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let client = client
        let commit = CommitGate()
        return try await answering(onExpiry: { commit.abandon() }) {
            try await client.withTransaction(logger: logger) { connection in
                let result = try await body(connection)
                guard commit.open() else {
                    throw StoreError.unavailable("the transaction was abandoned at its deadline")
                }
                return result
            }
        }
    }

    /// Stops the probe and the pool.
    func close() async {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            state.closed = true
            return [state.probe, state.runner].compactMap { $0 }
        }
        for task in tasks {
            task.cancel()
            await task.value
        }
    }

    private func answering<T: Sendable>(
        onExpiry: @escaping @Sendable () -> Void, _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        do {
            return try await PostgresFailure.answering(onExpiry: onExpiry, operation)
        } catch let error as StoreError {
            if case .unavailable = error { startProbe() }
            throw error
        }
    }

    private func startProbe() {
        state.withLock { state in
            guard !state.closed, state.probe == nil else { return }
            state.probe = Task { await self.probe() }
        }
    }

    /// What the pool does with a `SELECT 1` once the server answers again.
    private enum PoolCheck {
        case answers
        /// No answer within a second: still backing off after an outage, or merely busy.
        case silent
        /// postgres-nio's circuit breaker is open: it fails every request until a connection succeeds.
        case circuitOpen
    }

    /// Waits for the server to answer a connection of its own, then renews the pool if it has not
    /// noticed: when its circuit breaker is open, or when it is silent after an outage the probe
    /// saw (a pool that is merely busy, with the server answering all along, is left alone).
    private func probe() async {
        defer { state.withLock { $0.probe = nil } }
        var sawServerAway = false
        var attempt = 0
        while !Task.isCancelled {
            attempt += 1
            if await serverAnswers(connectionID: attempt) {
                switch await checkPool() {
                case .answers: break
                case .circuitOpen: replaceClient()
                case .silent: if sawServerAway { replaceClient() }
                }
                return
            }
            sawServerAway = true
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func serverAnswers(connectionID: Int) async -> Bool {
        let url = url
        let logger = logger
        do {
            try await withDeadline(
                .seconds(2), expired: { StoreError.unavailable("no connection within 2 s") }
            ) {
                let connection = try await PostgresConnection.connect(
                    configuration: try url.connectionConfiguration(), id: connectionID, logger: logger)
                try? await connection.close()
            }
            return true
        } catch {
            return false
        }
    }

    private func checkPool() async -> PoolCheck {
        let client = client
        let logger = logger
        do {
            try await withDeadline(
                .seconds(1), expired: { StoreError.unavailable("the pool did not answer within 1 s") }
            ) {
                _ = try await client.query("SELECT 1", logger: logger).collect()
            }
            return .answers
        } catch let error as ConnectionPoolError where error == .connectionCreationCircuitBreakerTripped {
            return .circuitOpen
        } catch {
            return .silent
        }
    }

    private func replaceClient() {
        let fresh = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let runner = Task.immediate { await fresh.run() }
        let old = state.withLock { state -> Task<Void, Never>? in
            guard !state.closed else { return nil }
            defer {
                state.client = fresh
                state.runner = runner
            }
            return state.runner
        }
        guard let old else {
            runner.cancel()
            return
        }
        old.cancel()
        logger.notice("database back: connection pool renewed")
    }
}
