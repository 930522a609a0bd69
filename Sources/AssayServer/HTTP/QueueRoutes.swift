import AssayCore
import AssayStore
import Foundation
import HTTPTypes
import Hummingbird
import JobQueue
import Logging

extension AssayRouter {
    /// The queue's admin routes: status with real numbers, and the dead letters.
    static func addQueueRoutes(to admin: RouterGroup<AppRequestContext>, dependencies: AssayDependencies) {
        let jobs = dependencies.store.jobs
        admin.get("queue/status") { _, _ in
            try Response.json(
                try await AssayApplication.queueStatus(
                    store: dependencies.store, queues: [dependencies.scoringQueue, dependencies.reportQueue],
                    mode: dependencies.queueMode, backend: dependencies.backendName, now: dependencies.now(),
                    contributors: dependencies.statusContributors))
        }
        admin.get("queue/dead-letters") { request, _ in
            let queue = try queueParameter(request, dependencies: dependencies)
            let limit = try request.pagingParameter("limit", default: 50, in: 1...500)
            let offset = try request.pagingParameter("offset", default: 0, in: 0...Int(Int32.max))
            let page = try await jobs.deadJobs(queue: queue, limit: limit, offset: offset)
            return try Response.json(
                PageResponse(
                    items: page.jobs.map { JobResponse($0) }, total: page.total, limit: limit, offset: offset)
            )
        }
        admin.post("queue/dead-letters/retry") { request, context in
            let queue = try queueParameter(request, dependencies: dependencies)
            let retried = try await jobs.retryDeadJobs(queue: queue)
            context.logger.notice(
                "dead letters retried",
                metadata: ["queue": .string(queue ?? "all"), "count": .stringConvertible(retried)])
            return try Response.json(RetriedResponse(retried: retried))
        }
        admin.get("queue/dead-letters/:job_id") { _, context in
            let id = try context.parameters.require("job_id")
            guard let job = try await jobs.job(id: id), job.state == .dead else {
                throw deadLetterNotFound(id)
            }
            return try Response.json(JobResponse(job))
        }
        admin.post("queue/dead-letters/:job_id/retry") { _, context in
            let id = try context.parameters.require("job_id")
            guard let job = try await jobs.retryDeadJob(id: id) else { throw deadLetterNotFound(id) }
            context.logger.notice(
                "dead letter retried", metadata: ["job_id": .string(id), "queue": .string(job.queue)])
            return try Response.json(JobResponse(job))
        }
        admin.delete("queue/dead-letters/:job_id") { _, context in
            let id = try context.parameters.require("job_id")
            guard try await jobs.discardDeadJob(id: id) else { throw deadLetterNotFound(id) }
            context.logger.notice("dead letter discarded", metadata: ["job_id": .string(id)])
            return Response(status: .noContent)
        }
    }

    private static func queueParameter(_ request: Request, dependencies: AssayDependencies) throws -> String?
    {
        guard let queue = request.uri.queryParameters.get("queue") else { return nil }
        let queues = [dependencies.scoringQueue, dependencies.reportQueue]
        guard queues.contains(queue) else {
            throw APIError.badRequest(
                "queue must be one of \(queues.joined(separator: ", "))", code: "invalid_query")
        }
        return queue
    }

    private static func deadLetterNotFound(_ id: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "no dead job has id \(QuotedInput.quote(id))")
    }
}
