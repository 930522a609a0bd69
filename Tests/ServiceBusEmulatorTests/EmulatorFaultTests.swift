import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import ServiceBusEmulator
import Testing

/// Injected faults, switched through the Swift API and through `POST /$emulator/faults`.
@Suite(.timeLimit(.minutes(1)))
struct EmulatorFaultTests {
    let emulator = ServiceBusEmulator(configuration: .init(queues: ["jobs"]))

    @Test func unavailableAnswers503WithRetryAfterUntilTheFaultEnds() async throws {
        try await emulator.withRaw { raw in
            emulator.faults.inject(.failing(status: 503, retryAfterSeconds: 2), for: .seconds(30))
            let refused = try await raw.sendMessage("x", to: "jobs")
            #expect(refused.status == 503)
            #expect(refused.headers.first(name: "Retry-After") == "2")
            emulator.clock.advance(by: .seconds(31))
            #expect(try await raw.sendMessage("x", to: "jobs").status == 201)
        }
    }

    @Test func faultsAreSwitchedOverHTTP() async throws {
        try await emulator.withRaw { raw in
            let on = try await raw.send(
                .POST, "/$emulator/faults",
                body: Data(#"{"fault":"throttled","seconds":60,"retry_after_seconds":3}"#.utf8),
                authorization: .some(nil))
            #expect(on.status == 204)
            let throttled = try await raw.peekLock("jobs")
            #expect(throttled.status == 429)
            #expect(throttled.headers.first(name: "Retry-After") == "3")
            let off = try await raw.send(
                .POST, "/$emulator/faults", body: Data(#"{"fault":"none"}"#.utf8), authorization: .some(nil))
            #expect(off.status == 204)
            #expect(try await raw.peekLock("jobs").status == 204)
            let bad = try await raw.send(
                .POST, "/$emulator/faults", body: Data(#"{"fault":"meteor"}"#.utf8), authorization: .some(nil)
            )
            #expect(bad.status == 400)
        }
    }

    @Test func clockIsMovedOverHTTP() async throws {
        try await emulator.withRaw { raw in
            let before = emulator.clock.now()
            let answer = try await raw.send(
                .POST, "/$emulator/clock", body: Data(#"{"advance_seconds":90}"#.utf8),
                authorization: .some(nil))
            #expect(answer.status == 204)
            #expect(emulator.clock.now().timeIntervalSince(before) >= 90)
        }
    }

    @Test func hangHoldsRequestsUntilTheFaultIsCleared() async throws {
        try await emulator.withRaw { raw in
            emulator.faults.inject(.hanging, for: .seconds(60))
            await #expect(throws: HTTPClientError.deadlineExceeded) {
                try await raw.send(.POST, "/jobs/messages", body: Data("x".utf8), timeout: .milliseconds(300))
            }
            emulator.faults.clear()
            let answer12 = try await raw.sendMessage("x", to: "jobs")
            #expect(answer12.status == 201)
        }
    }

    @Test func dropClosesTheConnectionWithoutAnAnswer() async throws {
        try await emulator.withRaw { raw in
            emulator.faults.inject(.droppingConnections, for: .seconds(60))
            await #expect(throws: (any Error).self) {
                try await raw.sendMessage("x", to: "jobs")
            }
            emulator.faults.clear()
            let answer11 = try await raw.sendMessage("x", to: "jobs")
            #expect(answer11.status == 201)
        }
    }

    @Test func staleLocksMakeSettlementsAnswer410AndTheMessageComesBack() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("x", to: "jobs")
            let locked = try await raw.peekLock("jobs")
            let stale = try await raw.send(
                .POST, "/$emulator/faults", body: Data(#"{"fault":"stale-locks"}"#.utf8),
                authorization: .some(nil))
            #expect(stale.status == 204)
            #expect(try await raw.send(.DELETE, raw.lockedPath(locked)).status == 410)
            #expect(try await raw.peekLock("jobs").brokerProperties["DeliveryCount"] as? Int == 2)
        }
    }

    @Test func lostLockStatusCanBeTheDocumented404() async throws {
        let documented = ServiceBusEmulator(configuration: .init(queues: ["jobs"], lostLockStatus: 404))
        try await documented.withRaw { raw in
            _ = try await raw.sendMessage("x", to: "jobs")
            let locked = try await raw.peekLock("jobs")
            documented.namespace.expireAllLocks()
            #expect(try await raw.send(.POST, raw.lockedPath(locked)).status == 404)
        }
    }

    @Test func theEmulatorSaysItIsATestDoubleNotABroker() {
        #expect(ServiceBusEmulator.testDoubleNotice.contains("test double"))
        #expect(ServiceBusEmulator.testDoubleNotice.contains("not a broker"))
    }
}
