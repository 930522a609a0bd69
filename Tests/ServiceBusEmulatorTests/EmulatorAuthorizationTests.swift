import Foundation
import NIOCore
import NIOHTTP1
import ServiceBusEmulator
import Testing

/// Shared Access Signature checks, as "Service Bus access control with Shared Access Signatures"
/// describes them: 401 for a missing, wrongly signed, expired or misdirected token, 403 for a
/// policy without the right.
@Suite(.timeLimit(.minutes(1)))
struct EmulatorAuthorizationTests {
    static let sender = EmulatorKey(name: "sender", key: "sender-key", rights: [.send])
    let emulator = ServiceBusEmulator(
        configuration: .init(
            keys: [EmulatorKey(name: "RootManageSharedAccessKey", key: "root-key"), Self.sender],
            queues: ["jobs"]))

    @Test func requestWithoutTokenIs401() async throws {
        try await emulator.withRaw { raw in
            let answer = try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: .some(nil))
            #expect(answer.status == 401)
        }
    }

    @Test func tokenSignedWithAnotherKeyIs401() async throws {
        try await emulator.withRaw { raw in
            let wrong = EmulatorKey(name: "RootManageSharedAccessKey", key: "not-the-key")
            let token = raw.token(resource: "\(raw.base)/jobs", key: wrong)
            let answer = try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: token)
            #expect(answer.status == 401)
            #expect(answer.text.contains("InvalidSignature"))
        }
    }

    @Test func unknownKeyNameIs401() async throws {
        try await emulator.withRaw { raw in
            let stranger = EmulatorKey(name: "stranger", key: "root-key")
            let token = raw.token(resource: "\(raw.base)/jobs", key: stranger)
            let answer1 = try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: token)
            #expect(answer1.status == 401)
        }
    }

    @Test func expiredTokenIs401AndAFreshOneIsAccepted() async throws {
        try await emulator.withRaw { raw in
            let expired = raw.token(resource: "\(raw.base)/jobs", lifetime: -1)
            let answer = try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: expired)
            #expect(answer.status == 401)
            #expect(answer.text.contains("ExpiredToken"))
            let fresh = raw.token(resource: "\(raw.base)/jobs", lifetime: 60)
            let answer2 = try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: fresh)
            #expect(answer2.status == 204)
        }
    }

    @Test func tokenExpiresOnTheEmulatorsClockAfterItWasAccepted() async throws {
        try await emulator.withRaw { raw in
            let token = raw.token(resource: "\(raw.base)/jobs", lifetime: 60)
            #expect(
                try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: token).status == 204
            )
            emulator.clock.advance(by: .seconds(61))
            let answer3 = try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: token)
            #expect(answer3.status == 401)
        }
    }

    @Test func tokenForAnotherEntityIs401AndANamespaceTokenCoversEveryEntity() async throws {
        try await emulator.withRaw { raw in
            let other = raw.token(resource: "\(raw.base)/other")
            let answer4 = try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: other)
            #expect(answer4.status == 401)
            let prefix = raw.token(resource: "\(raw.base)/job")
            #expect(
                try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: prefix).status
                    == 401)
            let namespace = raw.token(resource: "\(raw.base)/")
            #expect(
                try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: namespace).status
                    == 204)
            let deadLetter = raw.token(resource: "\(raw.base)/jobs")
            let answer = try await raw.send(
                .POST, "/jobs/$DeadLetterQueue/messages/head?timeout=0", authorization: deadLetter)
            #expect(answer.status == 204)
        }
    }

    @Test func tokenAcceptedForOneEntityIsStill401ForAnother() async throws {
        try await emulator.withRaw { raw in
            let token = raw.token(resource: "\(raw.base)/jobs")
            #expect(
                try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: token).status == 204
            )
            let answer = try await raw.send(.POST, "/other/messages/head?timeout=0", authorization: token)
            #expect(answer.status == 401)
            #expect(answer.text.contains("InvalidAudience"))
        }
    }

    @Test func policyWithoutTheRightIs403() async throws {
        try await emulator.withRaw { raw in
            let token = raw.token(resource: "\(raw.base)/jobs", key: Self.sender)
            let sent = try await raw.send(.POST, "/jobs/messages", body: Data("x".utf8), authorization: token)
            #expect(sent.status == 201)
            let answer5 = try await raw.send(.POST, "/jobs/messages/head?timeout=0", authorization: token)
            #expect(answer5.status == 403)
            #expect(try await raw.send(.GET, "/jobs?api-version=2021-05", authorization: token).status == 403)
        }
    }
}
