import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads a queue's runtime properties from the management API's Atom answer.
///
/// An `<entry>` holds a `QueueDescription` whose `CountDetails` has the counts; a `<feed>` with no
/// entry is how the broker says the queue does not exist.
final class QueueDescriptionParser: NSObject, XMLParserDelegate {
    private var properties: ServiceBusQueueRuntimeProperties
    private var sawQueueDescription = false
    private var sawElement = false
    private var text = ""

    private init(name: String) {
        properties = ServiceBusQueueRuntimeProperties(name: name)
    }

    /// The properties in `data`, nil when it is a feed without a queue; throws
    /// `ServiceBusError.unexpectedResponse` when it is not XML.
    static func parse(_ data: Data, name: String) throws(ServiceBusError) -> ServiceBusQueueRuntimeProperties?
    {
        let delegate = QueueDescriptionParser(name: name)
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        guard parser.parse(), delegate.sawElement else {
            let reason = parser.parserError.map { "\($0)" } ?? "no XML element"
            throw .unexpectedResponse(
                entity: name, detail: "the queue description is not Atom XML (\(reason))")
        }
        return delegate.sawQueueDescription ? delegate.properties : nil
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        sawElement = true
        if Self.localName(elementName) == "QueueDescription" { sawQueueDescription = true }
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(
        _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?
    ) {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let number = Int(value)
        switch Self.localName(elementName) {
        case "ActiveMessageCount": properties.activeMessageCount = number ?? 0
        case "DeadLetterMessageCount": properties.deadLetterMessageCount = number ?? 0
        case "ScheduledMessageCount": properties.scheduledMessageCount = number ?? 0
        case "TransferMessageCount": properties.transferMessageCount = number ?? 0
        case "TransferDeadLetterMessageCount": properties.transferDeadLetterMessageCount = number ?? 0
        case "MessageCount": properties.totalMessageCount = number ?? 0
        case "SizeInBytes": properties.sizeInBytes = number ?? 0
        case "MaxDeliveryCount": properties.maxDeliveryCount = number
        case "LockDuration": properties.lockDuration = value
        default: break
        }
        text = ""
    }

    private static func localName(_ name: String) -> Substring {
        name.split(separator: ":").last ?? Substring(name)
    }
}
