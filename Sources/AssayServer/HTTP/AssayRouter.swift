import Hummingbird

/// Builds Assay's router: every route, behind the JSON error middleware and the browser's security headers.
public enum AssayRouter {
    /// The router of the whole HTTP API; tests drive it in-process with the same dependencies.
    public static func build(dependencies: AssayDependencies) -> Router<AppRequestContext> {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware())
        addHealthRoutes(to: router, dependencies: dependencies)
        addOpenAPIRoute(to: router)
        addCandidateRoutes(to: router, dependencies: dependencies)
        addAdminRoutes(to: router, dependencies: dependencies)
        return router
    }
}
