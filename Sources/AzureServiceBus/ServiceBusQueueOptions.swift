/// The settings of a queue the client creates: only those the Basic tier accepts.
public struct ServiceBusQueueOptions: Sendable, Equatable {
    /// Deliveries after which a message moves to the dead-letter subqueue (the broker's default is 10).
    public var maxDeliveryCount: Int
    /// How long a peek-lock holds a message (the broker accepts 5 seconds to 5 minutes).
    public var lockDuration: Duration

    public init(maxDeliveryCount: Int = 10, lockDuration: Duration = .seconds(60)) {
        self.maxDeliveryCount = maxDeliveryCount
        self.lockDuration = lockDuration
    }

    /// The Atom entry that creates the queue. Element order matters to the broker: `LockDuration`
    /// comes before `MaxDeliveryCount`.
    var atomEntry: String {
        """
        <?xml version="1.0" encoding="utf-8"?>\
        <entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml">\
        <QueueDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" \
        xmlns:i="http://www.w3.org/2001/XMLSchema-instance">\
        <LockDuration>PT\(Int(lockDuration.seconds.rounded()))S</LockDuration>\
        <MaxDeliveryCount>\(maxDeliveryCount)</MaxDeliveryCount>\
        </QueueDescription></content></entry>
        """
    }
}
