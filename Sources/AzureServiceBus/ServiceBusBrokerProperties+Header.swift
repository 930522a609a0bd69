import Foundation

extension ServiceBusBrokerProperties {
    /// A property of the wrong type, or a date that is not RFC 1123.
    private struct UnreadableProperty: Error {}

    /// The properties a received message's `BrokerProperties` header gives, as its `Decodable` init
    /// reads them, without `JSONDecoder`: nil where that init throws (not a JSON object, a property
    /// of the wrong type, a date that is not RFC 1123). Unknown properties are ignored.
    init?(header: String) {
        guard let members = BrokerPropertiesReader.members(of: header) else { return nil }
        func string(_ key: CodingKeys) throws(UnreadableProperty) -> String? {
            switch members[key.rawValue] {
            case nil, .null?: return nil
            case .string(let value)?: return value
            default: throw UnreadableProperty()
            }
        }
        func number(_ key: CodingKeys) throws(UnreadableProperty) -> Double? {
            switch members[key.rawValue] {
            case nil, .null?: return nil
            case .number(let text)?:
                guard let value = Double(text) else { throw UnreadableProperty() }
                return value
            default: throw UnreadableProperty()
            }
        }
        func integer(_ key: CodingKeys) throws(UnreadableProperty) -> Int64? {
            guard let value = members[key.rawValue], value != .null else { return nil }
            guard case .number(let text) = value else { throw UnreadableProperty() }
            if let integer = Int64(text) { return integer }
            // A whole number written with a fraction or an exponent, as JSONDecoder takes it.
            guard let number = Double(text), let integer = Int64(exactly: number) else {
                throw UnreadableProperty()
            }
            return integer
        }
        func date(_ key: CodingKeys) throws(UnreadableProperty) -> Date? {
            guard let text = try string(key) else { return nil }
            guard let date = HTTPDate.parse(text) else { throw UnreadableProperty() }
            return date
        }
        do {
            self.init(
                messageId: try string(.messageId), correlationId: try string(.correlationId),
                sessionId: try string(.sessionId), label: try string(.label), replyTo: try string(.replyTo),
                to: try string(.to), timeToLive: try number(.timeToLive),
                scheduledEnqueueTime: try date(.scheduledEnqueueTime), partitionKey: try string(.partitionKey)
            )
            deliveryCount = try integer(.deliveryCount).map { Int($0) }
            sequenceNumber = try integer(.sequenceNumber)
            enqueuedSequenceNumber = try integer(.enqueuedSequenceNumber)
            enqueuedTime = try date(.enqueuedTime)
            lockToken = try string(.lockToken)
            lockedUntil = try date(.lockedUntil)
            state = try string(.state)
        } catch {
            return nil
        }
    }
}
