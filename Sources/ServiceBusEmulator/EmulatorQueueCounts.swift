/// A queue's counts as the Atom description reports them.
public struct EmulatorQueueCounts: Sendable, Equatable {
    public var active: Int
    public var deadLetter: Int
    public var scheduled: Int
    public var sizeInBytes: Int
}
