import Foundation

/// The workers alive, as `GET /api/admin/queue/status` lists them.
struct QueueWorkersBody: Decodable {
    var workers: [Worker]

    struct Worker: Decodable {
        var workerID: String
        var queues: [String]
        var host: String
        var processID: Int
        var startedAt: Date
        var lastSeenAt: Date

        enum CodingKeys: String, CodingKey {
            case queues, host
            case workerID = "worker_id"
            case processID = "pid"
            case startedAt = "started_at"
            case lastSeenAt = "last_seen_at"
        }
    }
}
