/// A backend beside the database that adds its own numbers to the queue status, such as a broker
/// counting the messages of its queues.
public protocol QueueStatusContributor: Sendable {
    /// The section its numbers appear under in each queue's status, such as `service_bus`.
    var section: String { get }

    /// Its numbers for each of `queues`; a queue left out shows no section.
    func statusExtras(queues: [String]) async throws -> [String: QueueStatusExtra]
}

extension QueueStatusContributor {
    /// Adds this backend's numbers to `statistics` under ``section``; a backend that cannot be asked
    /// adds a section that says why, and the database's counts stand.
    public func contribute(to statistics: inout [String: QueueStatistics]) async {
        let queues = statistics.keys.sorted()
        do {
            for (queue, extra) in try await statusExtras(queues: queues) where statistics[queue] != nil {
                statistics[queue]?.extras[section] = extra
            }
        } catch {
            for queue in queues {
                statistics[queue]?.extras[section] = QueueStatusExtra(unavailable: "\(error)")
            }
        }
    }
}
