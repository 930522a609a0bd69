import Foundation
import NIOCore
import NIOHTTP1
import ServiceBusEmulator
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The management API's queue entity: the Atom entry with `CountDetails`, and creation with a
/// body the Basic tier accepts.
@Suite(.timeLimit(.minutes(1)))
struct EmulatorManagementTests {
    let emulator = ServiceBusEmulator(configuration: .init(queues: ["jobs"]))

    static func createBody(_ settings: String) -> Data {
        Data(
            """
            <entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml">\
            <QueueDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" \
            xmlns:i="http://www.w3.org/2001/XMLSchema-instance">\(settings)</QueueDescription></content></entry>
            """.utf8)
    }

    @Test func queueDescriptionIsAnAtomEntryWithCountDetails() async throws {
        try await emulator.withRaw { raw in
            _ = try await raw.sendMessage("a", to: "jobs")
            _ = try await raw.sendMessage("b", to: "jobs")
            let answer = try await raw.describe("jobs")
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: "Content-Type")?.hasPrefix("application/atom+xml") == true)
            let parser = XMLParser(data: answer.body)
            #expect(parser.parse())
            let text = answer.text
            #expect(text.hasPrefix("<entry xmlns=\"http://www.w3.org/2005/Atom\">"))
            #expect(
                text.contains(
                    #"<CountDetails xmlns:d2p1="http://schemas.microsoft.com/netservices/2011/06/servicebus">"#
                ))
            #expect(text.contains("<d2p1:ActiveMessageCount>2</d2p1:ActiveMessageCount>"))
            #expect(text.contains("<d2p1:DeadLetterMessageCount>0</d2p1:DeadLetterMessageCount>"))
            #expect(text.contains("<MessageCount>2</MessageCount>"))
            #expect(text.contains("<LockDuration>PT60S</LockDuration>"))
        }
    }

    @Test func missingQueueIs404() async throws {
        try await emulator.withRaw { raw in
            let answer14 = try await raw.describe("nowhere")
            #expect(answer14.status == 404)
        }
    }

    @Test func putCreatesTheQueueWithItsLockDurationAndMaxDeliveryCountThenAnswers409() async throws {
        try await emulator.withRaw { raw in
            let body = Self.createBody(
                "<LockDuration>PT30S</LockDuration><MaxDeliveryCount>4</MaxDeliveryCount>")
            let headers = [("Content-Type", "application/atom+xml;type=entry;charset=utf-8")]
            let created = try await raw.send(.PUT, "/fresh?api-version=2021-05", headers: headers, body: body)
            #expect(created.status == 201)
            #expect(created.text.contains("<MaxDeliveryCount>4</MaxDeliveryCount>"))
            #expect(created.text.contains("<LockDuration>PT30S</LockDuration>"))
            let again = try await raw.send(.PUT, "/fresh?api-version=2021-05", headers: headers, body: body)
            #expect(again.status == 409)
            #expect(try await raw.sendMessage("x", to: "fresh").status == 201)
        }
    }

    @Test func settingsTheBasicTierRefusesAre400WithSubCode40000() async throws {
        try await emulator.withRaw { raw in
            let body = Self.createBody("<RequiresDuplicateDetection>true</RequiresDuplicateDetection>")
            let answer = try await raw.send(.PUT, "/dedupe?api-version=2021-05", body: body)
            #expect(answer.status == 400)
            #expect(answer.text.contains("SubCode=40000"))
            let ttl = Self.createBody("<DefaultMessageTimeToLive>PT1H</DefaultMessageTimeToLive>")
            #expect(try await raw.send(.PUT, "/ttl?api-version=2021-05", body: ttl).status == 400)
            #expect(try await raw.describe("dedupe").status == 404)
        }
    }

    @Test func lockDurationOutsideFiveSecondsToFiveMinutesIs400() async throws {
        try await emulator.withRaw { raw in
            let body = Self.createBody("<LockDuration>PT10M</LockDuration>")
            let answer13 = try await raw.send(.PUT, "/long?api-version=2021-05", body: body)
            #expect(answer13.status == 400)
        }
    }
}
