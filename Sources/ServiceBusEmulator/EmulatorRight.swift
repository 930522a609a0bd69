/// A right a shared access policy grants, as Service Bus names them: Manage includes Send and Listen.
public enum EmulatorRight: String, Sendable, Hashable, CaseIterable {
    case manage = "Manage"
    case send = "Send"
    case listen = "Listen"
}
