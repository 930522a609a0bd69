/// One message of a batch send, in the JSON the broker reads.
struct BatchEntry: Encodable {
    let body: String
    let brokerProperties: ServiceBusBrokerProperties
    let userProperties: [String: String]

    enum CodingKeys: String, CodingKey {
        case body = "Body"
        case brokerProperties = "BrokerProperties"
        case userProperties = "UserProperties"
    }
}
