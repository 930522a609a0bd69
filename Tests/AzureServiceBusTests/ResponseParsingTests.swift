import Foundation
import NIOHTTP1
import Testing

@testable import AzureServiceBus

/// What the client reads from answers the emulator does not give: a feed without an entry (how
/// the service answers GET on a missing queue), Retry-After as a date, error details to cut down.
@Suite struct ResponseParsingTests {
    @Test func feedWithoutAnEntryMeansNoSuchQueue() throws {
        let feed = #"<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Queues</title></feed>"#
        #expect(try QueueDescriptionParser.parse(Data(feed.utf8), name: "q") == nil)
    }

    @Test(arguments: ["{\"Queue\": 1}", "", "plain text"])
    func textThatIsNotAnAtomDocumentIsRefused(text: String) {
        #expect(throws: ServiceBusError.self) {
            try QueueDescriptionParser.parse(Data(text.utf8), name: "q")
        }
    }

    @Test func httpDatesRoundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_404_264_747)
        #expect(HTTPDate.format(date) == "Wed, 02 Jul 2014 01:32:27 GMT")
        #expect(HTTPDate.parse("Wed, 02 Jul 2014 01:32:27 GMT") == date)
        #expect(HTTPDate.parse("2014-07-02T01:32:27Z") == nil)
    }

    @Test(arguments: [
        0.0, -1, 951_782_400, 951_868_799.75, 1_404_264_747, 4_107_542_400, -2_208_988_800, 253_402_300_799,
    ])
    func httpDatesAgreeWithFoundationsFormatter(seconds: Double) {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = Date(timeIntervalSince1970: seconds)
        #expect(HTTPDate.format(date) == formatter.string(from: date))
        #expect(HTTPDate.parse(HTTPDate.format(date)) == Date(timeIntervalSince1970: seconds.rounded(.down)))
        #expect(HTTPDate.parse("Wed, 32 Jul 2014 01:32:27 GMT") == nil)
        #expect(HTTPDate.parse("Wed, 99999999999999999 Jul 2014 01:32:27 GMT") == nil)
    }

    @Test(arguments: [
        "jobs", "a b", "q/$DeadLetterQueue", "ünï", "7da9cfd5-40d5-4bb1-8d64-ec5a52e1c547", "a+b~c",
    ])
    func encodingSkipsFoundationOnlyWhenItWouldChangeNothing(text: String) {
        var unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        unreserved.insert(charactersIn: "0123456789-_.~")
        #expect(
            SharedAccessSignatureProvider.percentEncoded(text)
                == text.addingPercentEncoding(withAllowedCharacters: unreserved))
        let client = ServiceBusClient(
            connection: try! ServiceBusConnectionString(
                parsing: "Endpoint=sb://ns.example/;SharedAccessKeyName=k;SharedAccessKey=s"))
        #expect(
            client.entityURL(text) == "https://ns.example/" + text.addingPercentEncoding(
                withAllowedCharacters: .urlPathAllowed)!)
    }

    @Test func retryAfterIsReadAsSecondsOrAsADate() throws {
        #expect(ServiceBusClient.retryAfter(HTTPHeaders([("Retry-After", "7")])) == .seconds(7))
        let soon = HTTPDate.format(Date().addingTimeInterval(120))
        let wait = try #require(ServiceBusClient.retryAfter(HTTPHeaders([("Retry-After", soon)])))
        #expect(wait > .seconds(100) && wait <= .seconds(120))
        #expect(ServiceBusClient.retryAfter(HTTPHeaders([("Retry-After", "soon")])) == nil)
    }

    @Test func errorDetailIsTheBrokersDetailWithSignaturesCutOut() {
        let body = "<Error><Code>400</Code><Detail>Bad token sr=x&sig=abc123 TrackingId:1</Detail></Error>"
        let detail = ServiceBusClient.detail(of: Data(body.utf8))
        #expect(detail.hasPrefix("Bad token"))
        #expect(!detail.contains("abc123"))
        #expect(ServiceBusClient.detail(of: Data(String(repeating: "x", count: 1000).utf8)).count == 301)
    }

    @Test func brokerPropertiesDecodeTheDocumentedExample() throws {
        let header = #"""
            {"DeliveryCount":1,"EnqueuedSequenceNumber":0,"EnqueuedTimeUtc":"Wed, 02 Jul 2014 01:32:27 GMT",
            "Label":"M1","LockToken":"7da9cfd5-40d5-4bb1-8d64-ec5a52e1c547","LockedUntilUtc":"Wed, 02 Jul 2014 01:33:27 GMT",
            "MessageId":"31907572164743c38741631acd554d6f","SequenceNumber":2,"State":"Active","TimeToLive":10}
            """#
        let properties = try JSONDecoder().decode(ServiceBusBrokerProperties.self, from: Data(header.utf8))
        #expect(properties.deliveryCount == 1)
        #expect(properties.sequenceNumber == 2)
        #expect(properties.label == "M1")
        #expect(properties.lockedUntil == Date(timeIntervalSince1970: 1_404_264_807))
        #expect(properties.timeToLive == 10)
        let sent = try JSONEncoder().encode(
            ServiceBusBrokerProperties(messageId: "m", scheduledEnqueueTime: properties.enqueuedTime))
        let object = try #require(try JSONSerialization.jsonObject(with: sent) as? [String: Any])
        #expect(object["ScheduledEnqueueTimeUtc"] as? String == "Wed, 02 Jul 2014 01:32:27 GMT")
        #expect(object["MessageId"] as? String == "m")
        #expect(object.count == 2)
    }
}
