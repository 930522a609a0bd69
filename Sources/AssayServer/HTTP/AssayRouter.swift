import Hummingbird

/// Builds Assay's router: every route, behind the metrics, the JSON error middleware and the browser's
/// security headers.
public enum AssayRouter {
    /// The router of the whole HTTP API; tests drive it in-process with the same dependencies.
    public static func build(dependencies: AssayDependencies) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        // Outermost, so that it counts every answer as it leaves, errors included.
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware())
        addHealthRoutes(to: router, dependencies: dependencies)
        addOpenAPIRoute(to: router)
        addMetricsRoute(to: router, dependencies: dependencies)
        addCandidateRoutes(to: router, dependencies: dependencies)
        addAdminRoutes(to: router, dependencies: dependencies)
        addDashboardRoutes(to: router, dependencies: dependencies)
        return router
    }
}
