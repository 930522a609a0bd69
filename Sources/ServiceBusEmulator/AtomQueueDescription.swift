import Foundation

/// The management API's Atom documents for a queue, and the reading of a create request's body.
enum AtomQueueDescription {
    /// The Atom entry describing `queue`, with its runtime counts in `CountDetails`.
    static func entry(for queue: EmulatedQueue, counts: EmulatorQueueCounts, baseURL: String, now: Date)
        -> String
    {
        let updated = ISO8601DateFormatter().string(from: now)
        let created = ISO8601DateFormatter().string(from: queue.createdAt)
        let total = counts.active + counts.scheduled + counts.deadLetter
        return """
            <entry xmlns="http://www.w3.org/2005/Atom"><id>\(baseURL)/\(queue.name)?api-version=2021-05</id>\
            <title type="text">\(queue.name)</title><published>\(created)</published><updated>\(updated)</updated>\
            <author><name>assay-servicebus-emulator</name></author>\
            <link rel="self" href="\(baseURL)/\(queue.name)?api-version=2021-05"/>\
            <content type="application/xml"><QueueDescription \
            xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" \
            xmlns:i="http://www.w3.org/2001/XMLSchema-instance">\
            <LockDuration>PT\(Int(queue.lockDuration))S</LockDuration><MaxSizeInMegabytes>1024</MaxSizeInMegabytes>\
            <RequiresDuplicateDetection>false</RequiresDuplicateDetection><RequiresSession>false</RequiresSession>\
            <DeadLetteringOnMessageExpiration>false</DeadLetteringOnMessageExpiration>\
            <MaxDeliveryCount>\(queue.maxDeliveryCount)</MaxDeliveryCount>\
            <EnableBatchedOperations>true</EnableBatchedOperations><SizeInBytes>\(counts.sizeInBytes)</SizeInBytes>\
            <MessageCount>\(total)</MessageCount>\
            <CountDetails xmlns:d2p1="http://schemas.microsoft.com/netservices/2011/06/servicebus">\
            <d2p1:ActiveMessageCount>\(counts.active)</d2p1:ActiveMessageCount>\
            <d2p1:DeadLetterMessageCount>\(counts.deadLetter)</d2p1:DeadLetterMessageCount>\
            <d2p1:ScheduledMessageCount>\(counts.scheduled)</d2p1:ScheduledMessageCount>\
            <d2p1:TransferMessageCount>0</d2p1:TransferMessageCount>\
            <d2p1:TransferDeadLetterMessageCount>0</d2p1:TransferDeadLetterMessageCount></CountDetails>\
            <Status>Active</Status><CreatedAt>\(created)</CreatedAt><UpdatedAt>\(updated)</UpdatedAt>\
            </QueueDescription></content></entry>
            """
    }

    /// Elements a Basic-tier namespace refuses in a queue description (SubCode 40000).
    static let basicTierRefused = [
        "RequiresDuplicateDetection", "AutoDeleteOnIdle", "RequiresSession", "DefaultMessageTimeToLive",
        "DuplicateDetectionHistoryTimeWindow", "ForwardTo", "EnableExpress",
    ]

    /// The lock duration (seconds) and max delivery count a create request asks for; throws a 400
    /// for settings the Basic tier refuses, as the service does.
    static func settings(in body: String) throws(EmulatorRequestError) -> (
        lockDuration: Double?, maxDeliveryCount: Int?
    ) {
        for element in basicTierRefused
        where body.contains("<\(element)>") && !body.contains("<\(element)>false<") {
            throw EmulatorRequestError(
                status: 400,
                detail:
                    "SubCode=40000. The property '\(element)' cannot be set when creating a Queue because the "
                    + "namespace is using the 'Basic' tier.")
        }
        let lock = try value(of: "LockDuration", in: body).map { text throws(EmulatorRequestError) in
            guard let seconds = isoSeconds(text), seconds >= 5, seconds <= 300 else {
                throw EmulatorRequestError(status: 400, detail: "LockDuration must be between PT5S and PT5M")
            }
            return seconds
        }
        let maxDelivery = try value(of: "MaxDeliveryCount", in: body).map {
            text throws(EmulatorRequestError) in
            guard let count = Int(text), count >= 1 else {
                throw EmulatorRequestError(
                    status: 400, detail: "MaxDeliveryCount must be a whole number of at least 1")
            }
            return count
        }
        return (lock, maxDelivery)
    }

    private static func value(of element: String, in body: String) -> String? {
        guard let start = body.range(of: "<\(element)>"),
            let end = body.range(of: "</\(element)>", range: start.upperBound..<body.endIndex)
        else { return nil }
        return body[start.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespaces)
    }

    /// Seconds in an ISO 8601 duration of the form `PT#H#M#S` (fractions of seconds allowed).
    static func isoSeconds(_ text: String) -> Double? {
        guard text.hasPrefix("PT") else { return nil }
        var total = 0.0
        var number = ""
        for character in text.dropFirst(2) {
            if character.isNumber || character == "." {
                number.append(character)
                continue
            }
            guard let value = Double(number) else { return nil }
            switch character {
            case "H": total += value * 3600
            case "M": total += value * 60
            case "S": total += value
            default: return nil
            }
            number = ""
        }
        return number.isEmpty ? total : nil
    }
}
