import AssayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

extension TestClientProtocol {
    /// Waits until `GET /api/admin/queue/status` lists `count` workers, for at most 5 s, and returns them.
    func aliveWorkers(count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> [QueueWorkersBody.Worker]
    {
        var workers: [QueueWorkersBody.Worker] = []
        let listed = try await eventually {
            workers = try await admin(.get, "/api/admin/queue/status").decoded(as: QueueWorkersBody.self)
                .workers
            return workers.count == count
        }
        try #require(listed, "workers listed: \(workers.map(\.workerID))", sourceLocation: sourceLocation)
        return workers
    }
}
