/// Where the emulator listens, its keys, and the settings of the queues it creates.
public struct EmulatorConfiguration: Sendable {
    /// Address to listen on; tests use 127.0.0.1 and port 0 (any free port).
    public var host: String
    public var port: Int
    /// The namespace's shared access policies; the first is the one the connection string names.
    public var keys: [EmulatorKey]
    /// Queues that exist from the start.
    public var queues: [String]
    /// The lock duration of pre-created queues, and of created ones that do not state one.
    public var lockDuration: Duration
    /// The max delivery count of pre-created queues, and of created ones that do not state one.
    public var maxDeliveryCount: Int
    /// The status of a settlement with a lost lock: 404 as Microsoft's REST reference documents it,
    /// or 410 as the service is seen to answer.
    public var lostLockStatus: Int

    public init(
        host: String = "127.0.0.1", port: Int = 0,
        keys: [EmulatorKey] = [
            EmulatorKey(name: "RootManageSharedAccessKey", key: "emulator-development-key")
        ],
        queues: [String] = [], lockDuration: Duration = .seconds(60), maxDeliveryCount: Int = 10,
        lostLockStatus: Int = 410
    ) {
        self.host = host
        self.port = port
        self.keys = keys
        self.queues = queues
        self.lockDuration = lockDuration
        self.maxDeliveryCount = maxDeliveryCount
        self.lostLockStatus = lostLockStatus
    }
}
