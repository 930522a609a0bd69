import AzureServiceBus
import Foundation
import ServiceBusEmulator
import Testing

/// Every error path of the client, against the emulator's faults, with messages that never carry
/// the key or a signature.
@Suite(.timeLimit(.minutes(1)))
struct ClientErrorTests {
    static let key = EmulatorKey(name: "RootManageSharedAccessKey", key: "THE-SECRET-KEY")
    static let listener = EmulatorKey(name: "listener", key: "LISTENER-SECRET", rights: [.listen])
    let emulator = ServiceBusEmulator(
        configuration: .init(keys: [Self.key, Self.listener], queues: ["jobs"]))

    /// Checks that `body` throws the error `matches` accepts, and that its message names no secret.
    func expectError<T>(
        _ body: @autoclosure () async throws -> T, sourceLocation: SourceLocation = #_sourceLocation,
        _ matches: (ServiceBusError) -> Bool
    ) async {
        do {
            _ = try await body()
            Issue.record("no error thrown", sourceLocation: sourceLocation)
        } catch let error as ServiceBusError {
            #expect(matches(error), "\(error)", sourceLocation: sourceLocation)
            let text = "\(error) \(String(reflecting: error))"
            for secret in ["THE-SECRET-KEY", "LISTENER-SECRET", "WRONG-KEY", "sig=", "SharedAccessSignature"]
            {
                #expect(!text.contains(secret), "\(text)", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("not a ServiceBusError: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func wrongKeyIsUnauthorized() async throws {
        let wrong = EmulatorKey(name: Self.key.name, key: "WRONG-KEY")
        try await emulator.withClient(key: wrong) { client in
            await expectError(try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")) {
                guard case .unauthorized(let entity) = $0 else { return false }
                return entity == "jobs" && "\($0)".contains("SharedAccessKey")
            }
        }
    }

    @Test func keyWithoutTheRightIsForbidden() async throws {
        try await emulator.withClient(key: Self.listener) { client in
            await expectError(try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")) {
                guard case .forbidden(_, let detail) = $0 else { return false }
                return detail.contains("Send")
            }
            await expectError(try await client.queueRuntimeProperties("jobs")) {
                if case .forbidden = $0 { return true }
                return false
            }
        }
    }

    @Test func sendingToAMissingQueueIsEntityGone() async throws {
        try await emulator.withClient { client in
            await expectError(try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "nowhere")) {
                guard case .entityGone(let entity) = $0 else { return false }
                return entity == "nowhere"
            }
        }
    }

    @Test(arguments: [404, 410])
    func settlingWithAStaleLockIsLockLost(status: Int) async throws {
        let emulator = ServiceBusEmulator(configuration: .init(queues: ["jobs"], lostLockStatus: status))
        try await emulator.withClient { client in
            try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")
            let message = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
            emulator.namespace.expireAllLocks()
            for settle in [client.complete, client.abandon, client.renewLock] {
                await expectError(try await settle(message)) {
                    guard case .lockLost(let entity) = $0 else { return false }
                    return entity == "jobs"
                }
            }
        }
    }

    @Test func completingTwiceIsLockLost() async throws {
        try await emulator.withClient { client in
            try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")
            let message = try #require(try await client.receive(from: "jobs", timeout: .seconds(1)))
            try await client.complete(message)
            await expectError(try await client.complete(message)) {
                if case .lockLost = $0 { return true }
                return false
            }
        }
    }

    @Test func throttlingCarriesRetryAfter() async throws {
        try await emulator.withClient { client in
            emulator.faults.inject(.failing(status: 429, retryAfterSeconds: 3), for: .seconds(60))
            await expectError(try await client.receive(from: "jobs", timeout: .seconds(1))) {
                guard case .throttled(_, let retryAfter) = $0 else { return false }
                return retryAfter == .seconds(3) && $0.isTransient && $0.retryAfter == .seconds(3)
            }
        }
    }

    @Test func outageIsServerBusyWithRetryAfterAndPassesWhenTheFaultEnds() async throws {
        try await emulator.withClient { client in
            emulator.faults.inject(.failing(status: 503, retryAfterSeconds: 5), for: .seconds(30))
            await expectError(try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")) {
                guard case .serverBusy(_, let retryAfter) = $0 else { return false }
                return retryAfter == .seconds(5) && $0.isTransient
            }
            emulator.clock.advance(by: .seconds(31))
            try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")
        }
    }

    @Test func otherServerErrorsKeepTheirStatus() async throws {
        try await emulator.withClient { client in
            emulator.faults.inject(.failing(status: 500, retryAfterSeconds: 0), for: .seconds(60))
            await expectError(try await client.createQueueIfMissing("other")) {
                guard case .server(_, let status) = $0 else { return false }
                return status == 500 && $0.isTransient
            }
        }
    }

    @Test func hangingBrokerIsTimedOut() async throws {
        try await emulator.withClient(options: .init(requestTimeout: .milliseconds(300))) { client in
            emulator.faults.inject(.hanging, for: .seconds(60))
            await expectError(try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")) {
                guard case .timedOut(let entity, let after) = $0 else { return false }
                return entity == "jobs" && after == .milliseconds(300) && $0.isTransient
            }
            emulator.faults.clear()
        }
    }

    @Test func hangingReceiveTimesOutAfterTheServerWaitPlusGrace() async throws {
        let options = ServiceBusClientOptions(receiveGrace: .milliseconds(300))
        try await emulator.withClient(options: options) { client in
            emulator.faults.inject(.hanging, for: .seconds(60))
            await expectError(try await client.receive(from: "jobs", timeout: .seconds(1))) {
                guard case .timedOut(_, let after) = $0 else { return false }
                return after == .milliseconds(1300)
            }
            emulator.faults.clear()
        }
    }

    @Test func droppedConnectionIsATransportError() async throws {
        try await emulator.withClient { client in
            emulator.faults.inject(.droppingConnections, for: .seconds(60))
            await expectError(try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")) {
                if case .transport(let entity, _) = $0 { return entity == "jobs" && $0.isTransient }
                return false
            }
            emulator.faults.clear()
            try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")
        }
    }

    @Test func nothingListeningIsATransportError() async throws {
        let connection = try ServiceBusConnectionString(
            parsing: "Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=k;SharedAccessKey=THE-SECRET-KEY;"
                + "UseDevelopmentEmulator=true")
        // AsyncHTTPClient retries a refused connection until the request's deadline, then reports it.
        let client = ServiceBusClient(connection: connection, options: .init(requestTimeout: .seconds(1)))
        await expectError(try await client.send(ServiceBusMessage(body: Data("x".utf8)), to: "jobs")) {
            if case .transport = $0 { return true }
            return false
        }
    }

    @Test func cancelledReceiveThrowsCancellationNotAServiceBusError() async throws {
        try await emulator.withClient { client in
            let task = Task { try await client.receive(from: "jobs", timeout: .seconds(20)) }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
        }
    }
}
