import Hummingbird
import NIOCore
import ServiceBusQueue

extension AssayRouter {
    /// `GET /metrics`: Prometheus's text format, behind the admin token unless `METRICS_PUBLIC`.
    ///
    /// A scrape reads the queue counts once, as the status endpoint does, and sets the queue gauges
    /// from them; everything else was recorded as it happened.
    static func addMetricsRoute(to router: Router<AppRequestContext>, dependencies: AssayDependencies) {
        let metrics = AssayMetrics.shared
        let route =
            dependencies.metricsPublic
            ? router.group("metrics")
            : router.group("metrics").add(middleware: AdminAuthMiddleware(token: dependencies.adminToken))
        route.get { _, _ in
            metrics.record(
                try await AssayApplication.queueStatistics(
                    store: dependencies.store, queues: [dependencies.scoringQueue, dependencies.reportQueue],
                    contributors: dependencies.statusContributors))
            if let circuit = dependencies.publishCircuit {
                metrics.record(circuit.state, now: dependencies.now())
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }
}
