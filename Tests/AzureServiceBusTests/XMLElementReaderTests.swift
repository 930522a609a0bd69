import Foundation
import Testing

@testable import AzureServiceBus
@testable import ServiceBusEmulator

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The client's XML reader against Foundation's `XMLParser` (libxml2), which it replaced: the same
/// elements and texts from well-formed documents. It refuses more: Foundation's parser reports
/// success for an empty document, an unclosed element or a second root, among others.
@Suite struct XMLElementReaderTests {
    static let wellFormed = [
        // An entry as the service sends it, with the counts in a prefixed namespace.
        """
        <?xml version="1.0" encoding="utf-8"?>
        <entry xmlns="http://www.w3.org/2005/Atom"><id>https://ns.servicebus.windows.net/jobs</id>
          <title type="text">jobs</title>
          <content type="application/xml"><QueueDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
            <LockDuration>PT1M</LockDuration><SizeInBytes>2048</SizeInBytes><MessageCount>7</MessageCount>
            <CountDetails xmlns:d2p1="http://schemas.microsoft.com/netservices/2011/06/servicebus">
              <d2p1:ActiveMessageCount>5</d2p1:ActiveMessageCount>
              <d2p1:DeadLetterMessageCount>2</d2p1:DeadLetterMessageCount>
            </CountDetails></QueueDescription></content></entry>
        """,
        #"<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Queues</title></feed>"#,
        // Comments, processing instructions, self-closing tags, quotes holding '>' and '/'.
        "<!-- before --><a x='1 > 0' y=\"a/b\"><b/><c  z = \"2\" /><?pi data?><d>t<!-- in -->u</d></a>\n",
        // Entities and character references.
        "<a><b>&lt;&gt;&amp;&quot;&apos; &#65;&#x42;&#x1F600;</b></a>",
        // CDATA, white space and text between elements.
        "<a>\n  <b><![CDATA[<not a tag> & more]]></b>\n  tail <c>x</c></a>",
        // Non-ASCII names and text.
        "<ns:ünï>ça va</ns:ünï>",
    ]

    static let malformed = [
        "", "plain text", "{\"Queue\": 1}", "<a>", "<a><b></a></b>", "<a></a><b></b>", "<a>&unknown;</a>",
        "<a>&amp</a>", "<a b='1></a>", "x<a/>", "<a/>x", "<a></b>", "</a>", "<a><!-- unclosed </a>",
        "<a><![CDATA[unclosed</a>", "<>",
    ]

    @Test(arguments: wellFormed)
    func agreesWithFoundationsParser(document: String) throws {
        let expected = try #require(FoundationEvents.of(document))
        #expect(try XMLElementReader.events(in: Data(document.utf8)) == expected)
    }

    @Test(arguments: malformed)
    func refusesMalformedDocuments(document: String) {
        #expect(throws: XMLElementReader.Malformed.self) {
            try XMLElementReader.events(in: Data(document.utf8))
        }
    }

    @Test func refusesADocumentTypeDeclaration() {
        #expect(throws: XMLElementReader.Malformed.self) {
            try XMLElementReader.events(in: Data("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>".utf8))
        }
    }

    @Test func readsTheEmulatorsEntry() throws {
        let queue = EmulatedQueue(name: "jobs", lockDuration: 30, maxDeliveryCount: 10, createdAt: Date())
        let counts = EmulatorQueueCounts(active: 3, deadLetter: 2, scheduled: 1, sizeInBytes: 512)
        let entry = AtomQueueDescription.entry(
            for: queue, counts: counts, baseURL: "https://127.0.0.1", now: Date())
        let expected = try #require(FoundationEvents.of(entry))
        #expect(try XMLElementReader.events(in: Data(entry.utf8)) == expected)
        let properties = try #require(try QueueDescriptionParser.parse(Data(entry.utf8), name: "jobs"))
        #expect(properties.activeMessageCount == 3)
        #expect(properties.scheduledMessageCount == 1)
        #expect(properties.deadLetterMessageCount == 2)
        #expect(properties.totalMessageCount == 6)
        #expect(properties.sizeInBytes == 512)
        #expect(properties.maxDeliveryCount == 10)
        #expect(properties.lockDuration == "PT30S")
    }
}

/// The events Foundation's parser reports for a document, in the reader's terms; nil when it
/// refuses the document.
private final class FoundationEvents: NSObject, XMLParserDelegate {
    private var events: [XMLElementReader.Event] = []
    private var text = ""

    static func of(_ document: String) -> [XMLElementReader.Event]? {
        let recorder = FoundationEvents()
        let parser = XMLParser(data: Data(document.utf8))
        parser.delegate = recorder
        return parser.parse() ? recorder.events : nil
    }

    private static func localName(_ name: String) -> String {
        String(name.split(separator: ":").last ?? Substring(name))
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        events.append(.start(Self.localName(elementName)))
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) {
        text += String(decoding: CDATABlock, as: UTF8.self)
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        events.append(.end(Self.localName(elementName), text: text))
        text = ""
    }
}
