import Foundation
import JobQueue

/// The queue status, in the plan's shape with more numbers.
public struct QueueStatusResponse: Encodable, Sendable {
    public var serviceBusEnabled: Bool
    public var mode: String
    public var backend: String
    public var queues: [String: QueueCounts]
    public var workers: [Worker]

    enum CodingKeys: String, CodingKey {
        case mode, backend, queues, workers
        case serviceBusEnabled = "service_bus_enabled"
    }

    public struct Worker: Encodable, Sendable {
        public var workerID: String
        public var queues: [String]
        public var host: String
        public var processID: Int
        public var startedAt: Date
        public var lastSeenAt: Date

        init(_ heartbeat: WorkerHeartbeat) {
            workerID = heartbeat.workerID
            queues = heartbeat.queues
            host = heartbeat.host
            processID = heartbeat.processID
            startedAt = heartbeat.startedAt
            lastSeenAt = heartbeat.lastSeenAt
        }

        enum CodingKeys: String, CodingKey {
            case queues, host
            case workerID = "worker_id"
            case processID = "pid"
            case startedAt = "started_at"
            case lastSeenAt = "last_seen_at"
        }
    }

    /// One queue's counts; each backend section (``QueueStatistics/extras``) is an object of its own
    /// beside them, such as `"service_bus": {"active_messages": 2}`.
    public struct QueueCounts: Encodable, Sendable {
        public var activeMessages: Int
        public var scheduledMessages: Int
        public var runningMessages: Int
        public var deadLetterMessages: Int
        public var completedLastHour: Int
        public var oldestAvailableAgeSeconds: Double
        public var extras: [String: QueueStatusExtra]

        init(_ statistics: QueueStatistics) {
            activeMessages = statistics.available
            scheduledMessages = statistics.scheduled
            runningMessages = statistics.running
            deadLetterMessages = statistics.dead
            completedLastHour = statistics.completedLastHour
            oldestAvailableAgeSeconds = (statistics.oldestAvailableAgeSeconds * 1000).rounded() / 1000
            extras = statistics.extras
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(activeMessages, forKey: .activeMessages)
            try container.encode(scheduledMessages, forKey: .scheduledMessages)
            try container.encode(runningMessages, forKey: .runningMessages)
            try container.encode(deadLetterMessages, forKey: .deadLetterMessages)
            try container.encode(completedLastHour, forKey: .completedLastHour)
            try container.encode(oldestAvailableAgeSeconds, forKey: .oldestAvailableAgeSeconds)
            var sections = encoder.container(keyedBy: SectionKey.self)
            for (section, extra) in extras {
                var counts = sections.nestedContainer(keyedBy: SectionKey.self, forKey: SectionKey(section))
                for (name, count) in extra.counts { try counts.encode(count, forKey: SectionKey(name)) }
                for (name, state) in extra.states { try counts.encode(state, forKey: SectionKey(name)) }
                try counts.encodeIfPresent(extra.unavailable, forKey: SectionKey("unavailable"))
            }
        }

        /// The key of a backend's section, or of one of its counts.
        private struct SectionKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ name: String) { stringValue = name }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        enum CodingKeys: String, CodingKey {
            case activeMessages = "active_messages"
            case scheduledMessages = "scheduled_messages"
            case runningMessages = "running"
            case deadLetterMessages = "dead_letter_messages"
            case completedLastHour = "completed_last_hour"
            case oldestAvailableAgeSeconds = "oldest_available_age_seconds"
        }
    }
}
