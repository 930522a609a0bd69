import Foundation

/// What a request path asks of the emulator.
enum EmulatorRoute: Equatable {
    /// `POST /$emulator/faults` or `POST /$emulator/clock`.
    case admin(String)
    /// `GET` or `PUT /{queue}`: the management API.
    case queue(String)
    /// `POST /{queue}/messages`.
    case send(queue: String)
    /// `POST` (peek-lock) or `DELETE` (receive and delete) `/{queue}[/$DeadLetterQueue]/messages/head`.
    case head(queue: String, deadLetter: Bool)
    /// `DELETE`, `PUT` or `POST /{queue}[/$DeadLetterQueue]/messages/{messageId|sequenceNumber}/{lockToken}`.
    case locked(queue: String, deadLetter: Bool, reference: String, lockToken: String)

    /// The route of a raw request path, nil for a path the REST API does not have.
    init?(path: String) {
        let segments = path.split(separator: "/").map { segment in
            // Most segments have nothing to decode; Foundation's decoding costs even then.
            segment.contains("%")
                ? String(segment).removingPercentEncoding ?? String(segment) : String(segment)
        }
        guard let first = segments.first else { return nil }
        if first == "$emulator" {
            guard segments.count == 2 else { return nil }
            self = .admin(segments[1])
            return
        }
        guard let messages = segments.firstIndex(where: { $0.lowercased() == "messages" }) else {
            guard segments.count == 1 else { return nil }
            self = .queue(first)
            return
        }
        let entity = segments[..<messages]
        let deadLetter = entity.count == 2 && entity.last?.lowercased() == "$deadletterqueue"
        guard entity.count == 1 || deadLetter else { return nil }
        let rest = segments[(messages + 1)...]
        switch rest.count {
        case 0 where !deadLetter: self = .send(queue: first)
        case 1 where rest.first?.lowercased() == "head": self = .head(queue: first, deadLetter: deadLetter)
        case 2:
            self = .locked(
                queue: first, deadLetter: deadLetter, reference: rest.first!, lockToken: rest.last!)
        default: return nil
        }
    }
}
