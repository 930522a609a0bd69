import Foundation

/// Reads a queue's runtime properties from the management API's Atom answer.
///
/// An `<entry>` holds a `QueueDescription` whose `CountDetails` has the counts; a `<feed>` with no
/// entry is how the broker says the queue does not exist.
enum QueueDescriptionParser {
    /// The properties in `data`, nil when it is a feed without a queue; throws
    /// `ServiceBusError.unexpectedResponse` when it is not XML.
    static func parse(_ data: Data, name: String) throws(ServiceBusError) -> ServiceBusQueueRuntimeProperties?
    {
        let events: [XMLElementReader.Event]
        do {
            events = try XMLElementReader.events(in: data)
        } catch {
            throw .unexpectedResponse(
                entity: name, detail: "the queue description is not Atom XML (\(error))")
        }
        var properties = ServiceBusQueueRuntimeProperties(name: name)
        var sawQueueDescription = false
        for event in events {
            switch event {
            case .start(let element):
                if element == "QueueDescription" { sawQueueDescription = true }
            case .end(let element, let text):
                read(element, text.trimmingCharacters(in: .whitespacesAndNewlines), into: &properties)
            }
        }
        return sawQueueDescription ? properties : nil
    }

    private static func read(
        _ element: String, _ value: String, into properties: inout ServiceBusQueueRuntimeProperties
    ) {
        let number = Int(value)
        switch element {
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
    }
}
