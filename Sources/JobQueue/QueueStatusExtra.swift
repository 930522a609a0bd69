/// Numbers that a backend beside the database keeps of one queue, such as a broker's message
/// counts, shown in the queue status under the backend's section.
public struct QueueStatusExtra: Sendable, Equatable {
    /// Counts by name, in the status's snake_case: `active_messages`, `dead_letter_messages`, ….
    public var counts: [String: Int]
    /// States by name, in snake_case, such as a circuit breaker's `circuit`: `open`, and since when.
    public var states: [String: String]
    /// Why the backend could not be asked (a broker away); its counts are then empty.
    public var unavailable: String?

    public init(counts: [String: Int] = [:], states: [String: String] = [:], unavailable: String? = nil) {
        self.counts = counts
        self.states = states
        self.unavailable = unavailable
    }
}
