import Foundation
import Testing

@testable import AzureServiceBus

/// The client reads a received message's `BrokerProperties` header without `JSONDecoder`, and
/// reads what `JSONDecoder` with the properties' `Decodable` init reads: the same properties, or
/// nothing where that throws.
struct BrokerPropertiesReaderTests {
    @Test(arguments: [
        #"{"DeliveryCount":1,"EnqueuedSequenceNumber":0,"EnqueuedTimeUtc":"Wed, 02 Jul 2014 01:32:27 GMT","#
            + #""Label":"M1","LockToken":"7da9cfd5-40d5-4bb1-8d64-ec5a52e1c547","#
            + #""LockedUntilUtc":"Wed, 02 Jul 2014 01:33:27 GMT","MessageId":"31907572164743c38741631acd554d6f","#
            + #""SequenceNumber":2,"State":"Active","TimeToLive":10}"#,
        #" { "MessageId" : "a\"b\\c\/d\n\u00e9\ud83d\ude00" , "TimeToLive" : 1.5e2 } "#,
        #"{"DeliveryCount":2.0,"SequenceNumber":1e3,"Label":null,"Unknown":[1,{"a":"]"}],"Other":true}"#,
        #"{"SequenceNumber":-9223372036854775808,"EnqueuedSequenceNumber":9223372036854775807}"#,
        #"{}"#,
        #"{"DeliveryCount":"1"}"#,
        #"{"DeliveryCount":1.5}"#,
        #"{"MessageId":1}"#,
        #"{"Label":true}"#,
        #"{"EnqueuedTimeUtc":"2014-07-02T01:32:27Z"}"#,
        #"{"MessageId":"\ud83d"}"#,
        #"{"MessageId":"a\x"}"#,
        #"{"DeliveryCount":01}"#,
        #"{"DeliveryCount":1,}"#,
        #"{"DeliveryCount":1} x"#,
        #"["DeliveryCount"]"#,
        "",
        "not json",
    ])
    func readsWhatJSONDecoderReads(header: String) {
        let decoded = try? JSONDecoder().decode(ServiceBusBrokerProperties.self, from: Data(header.utf8))
        #expect(ServiceBusBrokerProperties(header: header) == decoded)
    }

    @Test func documentedExampleGivesItsProperties() throws {
        let header =
            #"{"DeliveryCount":1,"LockToken":"7da9cfd5-40d5-4bb1-8d64-ec5a52e1c547","SequenceNumber":2,"#
            + #""LockedUntilUtc":"Wed, 02 Jul 2014 01:33:27 GMT","TimeToLive":10}"#
        let properties = try #require(ServiceBusBrokerProperties(header: header))
        #expect(properties.deliveryCount == 1)
        #expect(properties.sequenceNumber == 2)
        #expect(properties.lockToken == "7da9cfd5-40d5-4bb1-8d64-ec5a52e1c547")
        #expect(properties.lockedUntil == Date(timeIntervalSince1970: 1_404_264_807))
        #expect(properties.timeToLive == 10)
    }
}
