import AssayStore
import Hummingbird
import Logging

extension AssayRouter {
    /// `GET /health` (the process answers) and `GET /ready` (the database answers too, and takes
    /// writes as far as the store can tell: a 503 names a database that is read-only, full or locked).
    static func addHealthRoutes(to router: Router<AppRequestContext>, dependencies: AssayDependencies) {
        router.get("health") { _, _ in
            try Response.json(HealthResponse(status: "ok"))
        }
        router.get("ready") { _, context in
            do {
                try await dependencies.store.ping()
            } catch {
                context.logger.warning("database not ready", metadata: ["error": .string("\(error)")])
                if let error = error as? StoreError, error.failsEveryWrite {
                    throw ErrorMiddleware<AppRequestContext>.apiError(for: error)
                }
                throw APIError(
                    .serviceUnavailable, code: "database_unavailable", message: "the database does not answer"
                )
            }
            return try Response.json(HealthResponse(status: "ready"))
        }
    }
}
