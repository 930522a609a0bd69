/// A shared access policy of the emulated namespace: a key name, its key and its rights.
public struct EmulatorKey: Sendable, Equatable {
    public var name: String
    public var key: String
    public var rights: Set<EmulatorRight>

    public init(name: String, key: String, rights: Set<EmulatorRight> = [.manage, .send, .listen]) {
        self.name = name
        self.key = key
        self.rights = rights
    }

    func grants(_ right: EmulatorRight) -> Bool {
        rights.contains(.manage) || rights.contains(right)
    }
}
