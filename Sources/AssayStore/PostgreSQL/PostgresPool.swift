import Foundation
import JobQueue
import Logging
import PostgresNIO
import Synchronization
import _ConnectionPoolModule

/// The store's connection pool: postgres-nio's `PostgresClient`, replaced by a fresh one when
/// the server is back after an outage that the pool has not noticed yet.
///
/// The clients, and the probe below, run in ``run()``, as child tasks: a service group runs it (the
/// store's service), and nothing of the pool outlives it. Statements made before it runs wait.
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
    /// What ``run()`` is asked to start.
    private enum Work: Sendable {
        /// Run this client until it is retired (its stream finishes).
        case host(PostgresClient, retired: AsyncStream<Void>)
        case probe
    }

    private struct State {
        var client: PostgresClient
        /// Finishing it retires the client in use.
        var retire: AsyncStream<Void>.Continuation
        var probing = false
        var closed = false
        /// Whether ``run()`` has started hosting a client; until then statements wait here.
        var running = false
        var waitingForRun: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>
    private let work: (stream: AsyncStream<Work>, continuation: AsyncStream<Work>.Continuation)
    private let url: PostgresDatabaseURL
    private let configuration: PostgresClient.Configuration
    private let logger: Logger

    init(url: PostgresDatabaseURL, maximumConnections: Int, logger: Logger) {
        var configuration = url.clientConfiguration()
        configuration.options.maximumConnections = maximumConnections
        // No connections are kept open beyond demand (`minimumConnections` stays 0), though a
        // connection beyond the minimum starts an idle-timeout timer each time it goes back to the
        // pool: with four kept open, postgres-nio 1.33.2's pool crashed the process (a
        // precondition in `createNewDemandConnectionIfPossible`) when a statement came while a
        // restart of the server had left it fewer than four.
        let seconds = PostgresFailure.deadline.components.seconds
        // postgres-nio's keep-alive ran `SELECT 1` on a connection idle for 30 s, and to know when,
        // started a timer each time a connection went back to the pool (a task group of two tasks
        // and a sleep, cancelled at the next lease). The server's TCP keep-alive
        // (``PostgresDatabaseURL/keepAliveParameters``) does that work with no timer of ours.
        configuration.options.keepAliveBehavior = nil
        configuration.options.additionalStartupParameters.append(("statement_timeout", "\(seconds)s"))
        self.url = url
        self.configuration = configuration
        self.logger = logger
        work = AsyncStream.makeStream()
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let retirement = AsyncStream<Void>.makeStream()
        work.continuation.yield(.host(client, retired: retirement.stream))
        state = Mutex(State(client: client, retire: retirement.continuation))
    }

    /// Runs the pool's clients and its probe until ``close()``, or until cancelled; returns once
    /// they have all ended. Call it once.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await work in work.stream {
                switch work {
                case .host(let client, let retired):
                    group.addTask {
                        await withDiscardingTaskGroup { hosting in
                            hosting.addTask {
                                self.releaseWaiting(running: true)
                                await client.run()
                            }
                            for await _ in retired {}
                            hosting.cancelAll()
                        }
                    }
                case .probe:
                    group.addTask { await self.probe() }
                }
            }
        }
    }

    /// The pool in use now, once ``run()`` hosts it; ``StoreError/unavailable(_:)`` once the pool
    /// is closed. A statement made before the pool runs waits here rather than in postgres-nio,
    /// which warns of it.
    private func runningClient() async throws -> PostgresClient {
        enum Access {
            case ready(PostgresClient)
            case closed
            case wait
        }
        let access = state.withLock { state -> Access in
            if state.closed { return .closed }
            return state.running ? .ready(state.client) : .wait
        }
        switch access {
        case .ready(let client): return client
        case .closed: throw StoreError.unavailable("the store is closed")
        case .wait:
            await withCheckedContinuation { continuation in
                let waiting = state.withLock { state in
                    guard !state.running, !state.closed else { return false }
                    state.waitingForRun.append(continuation)
                    return true
                }
                if !waiting { continuation.resume() }
            }
            return try await runningClient()
        }
    }

    /// Lets the statements waiting for ``run()`` go (it runs, or the pool closed before it did).
    private func releaseWaiting(running: Bool) {
        let waiting = state.withLock { state in
            if running { state.running = true }
            defer { state.waitingForRun = [] }
            return state.waitingForRun
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Runs a statement and collects its rows.
    @discardableResult
    func rows(_ query: PostgresQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        let client = try await runningClient()
        return try await answering(onExpiry: {}) {
            var rows: [PostgresRandomAccessRow] = []
            for try await row in try await client.query(query, logger: logger) {
                rows.append(row.makeRandomAccess())
            }
            return rows
        }
    }

    /// Runs a prepared statement and collects its rows.
    @discardableResult
    func rows(_ statement: some PreparedQuery, logger: Logger) async throws -> [PostgresRandomAccessRow] {
        let client = try await runningClient()
        return try await answering(onExpiry: {}) {
            var rows: [PostgresRandomAccessRow] = []
            for try await row in try await client.execute(statement, logger: logger) { rows.append(row) }
            return rows
        }
    }

    /// Runs a prepared statement that is a transaction of its own, and collects its rows. It is sent
    /// only if its caller has not been answered ``StoreError/unavailable(_:)`` at the deadline while
    /// it waited for a connection: as with a transaction's `COMMIT`, only the statement itself can
    /// straddle the deadline, and `statement_timeout` ends it there.
    func committing(_ statement: some PreparedQuery, logger: Logger) async throws -> [PostgresRandomAccessRow]
    {
        let client = try await runningClient()
        let commit = CommitGate()
        return try await answering(onExpiry: { commit.abandon() }) {
            try await client.withConnection { connection in
                guard commit.open() else {
                    throw StoreError.unavailable("the statement was abandoned at its deadline")
                }
                return try await connection.rows(statement, logger: logger)
            }
        }
    }

    /// Runs `body` in one transaction: all of it commits, or none, and none once its caller has
    /// been answered ``StoreError/unavailable(_:)`` at the deadline.
    func transaction<T: Sendable>(
        logger: Logger, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let client = try await runningClient()
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

    /// Ends ``run()``: retires the pool and stops the probe.
    func close() async {
        let retire = state.withLock { state -> AsyncStream<Void>.Continuation? in
            guard !state.closed else { return nil }
            state.closed = true
            return state.retire
        }
        retire?.finish()
        work.continuation.finish()
        releaseWaiting(running: false)
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
        let start = state.withLock { state in
            guard !state.closed, !state.probing else { return false }
            state.probing = true
            return true
        }
        if start { work.continuation.yield(.probe) }
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
        defer { state.withLock { $0.probing = false } }
        var sawServerAway = false
        var attempt = 0
        while !Task.isCancelled, !state.withLock({ $0.closed }) {
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
        let client = state.withLock { $0.client }
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
        let retirement = AsyncStream<Void>.makeStream()
        let old = state.withLock { state -> AsyncStream<Void>.Continuation? in
            guard !state.closed else { return nil }
            defer {
                state.client = fresh
                state.retire = retirement.continuation
            }
            return state.retire
        }
        guard let old else { return }
        work.continuation.yield(.host(fresh, retired: retirement.stream))
        old.finish()
        logger.notice("database back: connection pool renewed")
    }
}
