import Foundation
import NIOCore
import NIOHTTP1
import ServiceBusEmulator
import Testing

/// Peek-lock, settlement, lock expiry, delivery counts, dead-lettering and scheduling, as
/// Microsoft's REST reference and Service Bus documentation describe them.
@Suite(.timeLimit(.minutes(1)))
struct EmulatorMessagingTests {
    let emulator = ServiceBusEmulator(
        configuration: .init(queues: ["jobs"], lockDuration: .seconds(60), maxDeliveryCount: 3))

    @Test func peekLockAnswers201WithBrokerPropertiesLocationAndCustomProperties() async throws {
        try await emulator.withRaw { raw in
            let sent = try await raw.sendMessage(
                "hello", to: "jobs",
                brokerProperties: #"{"MessageId":"m-1","Label":"L1","CorrelationId":"c"}"#,
                headers: [("Priority", "High")])
            #expect(sent.status == 201)
            let answer = try await raw.peekLock("jobs")
            #expect(answer.status == 201)
            #expect(answer.text == "hello")
            let properties = answer.brokerProperties
            #expect(properties["MessageId"] as? String == "m-1")
            #expect(properties["Label"] as? String == "L1")
            #expect(properties["CorrelationId"] as? String == "c")
            #expect(properties["DeliveryCount"] as? Int == 1)
            #expect(properties["SequenceNumber"] as? Int == 1)
            #expect(properties["State"] as? String == "Active")
            let lockToken = try #require(properties["LockToken"] as? String)
            #expect((properties["LockedUntilUtc"] as? String)?.hasSuffix(" GMT") == true)
            #expect(answer.headers.first(name: "Location") == "\(raw.base)/jobs/messages/1/\(lockToken)")
            #expect(answer.headers.first(name: "Priority") == "\"High\"")
        }
    }

    @Test func brokerPropertiesComeBackAsValidJSONWhateverTheirCharacters() async throws {
        try await emulator.withRaw { raw in
            let label = "say \"hi\" \\ a/b \u{1} é 😀"
            let sent = try await raw.sendMessage(
                "x", to: "jobs",
                brokerProperties:
                    #"{"MessageId":"m/1","Label":"say \"hi\" \\ a\/b \u0001 é 😀","TimeToLive":1000000000.5,"#
                    + #""ScheduledEnqueueTimeUtc":"Sat, 29 Feb 2020 12:00:00 GMT"}"#)
            #expect(sent.status == 201)
            let answer = try await raw.peekLock("jobs")
            let properties = answer.brokerProperties
            #expect(properties["MessageId"] as? String == "m/1")
            #expect(properties["Label"] as? String == label)
            #expect(properties["TimeToLive"] as? Double == 1_000_000_000.5)
            #expect(properties["ScheduledEnqueueTimeUtc"] as? String == "Sat, 29 Feb 2020 12:00:00 GMT")
            #expect(
                answer.headers.first(name: "BrokerProperties")?.hasPrefix(#"{"DeliveryCount":1,"#) == true)
        }
    }

    @Test func locksAndTimesToLiveEndingAtDifferentTimesEachTakeEffectAtTheirTime() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("first", to: "jobs")
            _ = try await raw.sendMessage("second", to: "jobs")
            _ = try await raw.sendMessage("short", to: "jobs", brokerProperties: #"{"TimeToLive":100}"#)
            _ = try await raw.sendMessage("long", to: "jobs", brokerProperties: #"{"TimeToLive":200}"#)
            #expect(try await raw.peekLock("jobs").text == "first")
            emulator.clock.advance(by: .seconds(30))
            #expect(try await raw.peekLock("jobs").text == "second")
            emulator.clock.advance(by: .seconds(31))
            #expect(try await raw.peekLock("jobs").text == "first")  // its lock ended at 60 s
            emulator.clock.advance(by: .seconds(30))
            #expect(try await raw.peekLock("jobs").text == "second")  // its lock ended at 90 s
            emulator.clock.advance(by: .seconds(10))
            #expect(try await raw.peekLock("jobs").text == "long")  // "short" expired at 100 s
            #expect(emulator.namespace.counts(of: "jobs")?.active == 3)
            emulator.clock.advance(by: .seconds(100))
            #expect(emulator.namespace.counts(of: "jobs")?.active == 2)  // "long" expired at 200 s
        }
    }

    @Test func emptyQueueAnswers204AfterTheServerWait() async throws {
        try await emulator.withRaw { raw in
            let started = ContinuousClock.now
            let answer = try await raw.peekLock("jobs", wait: 1)
            #expect(answer.status == 204)
            #expect(ContinuousClock.now - started >= .milliseconds(900))
        }
    }

    @Test func longPollAnswersAsSoonAsAMessageArrives() async throws {
        try await emulator.withRaw { raw in
            async let waiting = raw.peekLock("jobs", wait: 30)
            try await Task.sleep(for: .milliseconds(200))
            _ = try await raw.sendMessage("late", to: "jobs")
            let answer = try await waiting
            #expect(answer.status == 201)
            #expect(answer.text == "late")
        }
    }

    @Test func lockedMessageComesBackWhenItsLockExpiresWithTheDeliveryCountRaised() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("work", to: "jobs")
            let first = try await raw.peekLock("jobs")
            #expect(try await raw.peekLock("jobs").status == 204)
            emulator.clock.advance(by: .seconds(61))
            let second = try await raw.peekLock("jobs")
            #expect(second.status == 201)
            #expect(second.brokerProperties["DeliveryCount"] as? Int == 2)
            #expect(try await raw.send(.DELETE, raw.lockedPath(first)).status == 410)
            #expect(try await raw.send(.DELETE, raw.lockedPath(second)).status == 200)
        }
    }

    @Test func deleteCompletesPutUnlocksAndPostRenewsTheLock() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("a", to: "jobs")
            let locked = try await raw.peekLock("jobs")
            #expect(try await raw.send(.PUT, raw.lockedPath(locked)).status == 200)
            let again = try await raw.peekLock("jobs")
            #expect(again.brokerProperties["DeliveryCount"] as? Int == 2)
            emulator.clock.advance(by: .seconds(40))
            #expect(try await raw.send(.POST, raw.lockedPath(again)).status == 200)
            emulator.clock.advance(by: .seconds(40))
            #expect(try await raw.send(.DELETE, raw.lockedPath(again)).status == 200)
            #expect(try await raw.send(.DELETE, raw.lockedPath(again)).status == 410)
            #expect(try await raw.peekLock("jobs").status == 204)
        }
    }

    @Test func settlingBySequenceNumberOrMessageIdBothWork() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("a", to: "jobs", brokerProperties: #"{"MessageId":"id-a"}"#)
            let locked = try await raw.peekLock("jobs")
            let token = try #require(locked.brokerProperties["LockToken"] as? String)
            #expect(try await raw.send(.POST, "/jobs/messages/id-a/\(token)").status == 200)
            #expect(try await raw.send(.DELETE, "/jobs/messages/1/\(token)").status == 200)
        }
    }

    @Test func maxDeliveryCountMovesTheMessageToTheDeadLetterQueue() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("poison", to: "jobs", brokerProperties: #"{"MessageId":"p"}"#)
            for _ in 1...3 {
                let locked = try await raw.peekLock("jobs")
                #expect(locked.status == 201)
                #expect(try await raw.send(.PUT, raw.lockedPath(locked)).status == 200)
            }
            #expect(try await raw.peekLock("jobs").status == 204)
            let dead = try await raw.peekLock("jobs/$DeadLetterQueue")
            #expect(dead.status == 201)
            #expect(dead.brokerProperties["MessageId"] as? String == "p")
            #expect(dead.headers.first(name: "DeadLetterReason") == "\"MaxDeliveryCountExceeded\"")
            #expect(
                dead.headers.first(name: "DeadLetterErrorDescription")
                    == "\"Message could not be consumed after 3 delivery attempts.\"")
            #expect(
                dead.headers.first(name: "Location")?.contains("/jobs/$DeadLetterQueue/messages/") == true)
            #expect(try await raw.send(.DELETE, raw.lockedPath(dead)).status == 200)
        }
    }

    @Test func lockExpiryCountsAsADeliveryTowardsTheDeadLetterQueue() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("slow", to: "jobs")
            for _ in 1...3 {
                #expect(try await raw.peekLock("jobs").status == 201)
                emulator.clock.advance(by: .seconds(61))
            }
            #expect(try await raw.peekLock("jobs").status == 204)
            #expect(try await raw.describe("jobs").text.contains("<d2p1:DeadLetterMessageCount>1<"))
        }
    }

    @Test func scheduledMessageIsHiddenAndCountedAsScheduledUntilItsTime() async throws {
        try await emulator.withRaw { raw in
            let at = emulator.clock.now().addingTimeInterval(120)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let sent = try await raw.sendMessage(
                "later", to: "jobs",
                brokerProperties: #"{"ScheduledEnqueueTimeUtc":"\#(formatter.string(from: at))"}"#)
            #expect(sent.status == 201)
            #expect(try await raw.peekLock("jobs").status == 204)
            let counts = try await raw.describe("jobs").text
            #expect(counts.contains("<d2p1:ScheduledMessageCount>1<"))
            #expect(counts.contains("<d2p1:ActiveMessageCount>0<"))
            emulator.clock.advance(by: .seconds(121))
            #expect(try await raw.peekLock("jobs").text == "later")
        }
    }

    @Test func batchSendStoresEveryMessageInOrderWithItsProperties() async throws {
        try await emulator.withRaw { raw in
            let batch = #"""
                [{"Body":"one","BrokerProperties":{"MessageId":"b1"},"UserProperties":{"kind":"x"}},
                 {"Body":"two","BrokerProperties":{"MessageId":"b2","Label":"second"}}]
                """#
            let sent = try await raw.send(
                .POST, "/jobs/messages",
                headers: [("Content-Type", "application/vnd.microsoft.servicebus.json")],
                body: Data(batch.utf8))
            #expect(sent.status == 201)
            let first = try await raw.peekLock("jobs")
            let second = try await raw.peekLock("jobs")
            #expect(first.text == "one")
            #expect(first.headers.first(name: "kind") == "\"x\"")
            #expect(second.brokerProperties["Label"] as? String == "second")
            #expect(second.brokerProperties["SequenceNumber"] as? Int == 2)
        }
    }

    @Test func receiveAndDeleteAnswers200AndRemovesTheMessage() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("gone", to: "jobs")
            let answer = try await raw.send(.DELETE, "/jobs/messages/head?timeout=0")
            #expect(answer.status == 200)
            #expect(answer.text == "gone")
            #expect(answer.brokerProperties["LockToken"] == nil)
            #expect(try await raw.peekLock("jobs").status == 204)
        }
    }

    @Test func timeToLiveDropsTheMessageOnceItPasses() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("brief", to: "jobs", brokerProperties: #"{"TimeToLive":30}"#)
            emulator.clock.advance(by: .seconds(31))
            #expect(try await raw.peekLock("jobs").status == 204)
        }
    }

    @Test func missingQueueAnswers410OnSendAndReceive() async throws {
        try await emulator.withRaw { raw in
            let answer18 = try await raw.sendMessage("x", to: "nowhere")
            #expect(answer18.status == 410)
            let answer17 = try await raw.peekLock("nowhere")
            #expect(answer17.status == 410)
        }
    }

    @Test func badBrokerPropertiesAnswer400() async throws {
        try await emulator.withRaw { raw in
            let answer16 = try await raw.sendMessage("x", to: "jobs", brokerProperties: "not json")
            #expect(answer16.status == 400)
            let late = #"{"ScheduledEnqueueTimeUtc":"tomorrow"}"#
            let answer15 = try await raw.sendMessage("x", to: "jobs", brokerProperties: late)
            #expect(answer15.status == 400)
        }
    }
}
