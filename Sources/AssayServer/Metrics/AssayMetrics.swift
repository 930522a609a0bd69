import Foundation
import JobQueue
import Metrics
import Prometheus
import ServiceBusQueue

/// The process's metrics: one Prometheus registry behind swift-metrics, which `GET /metrics`
/// writes out in Prometheus's text format.
///
/// What the code records through swift-metrics lands here once ``shared`` has been touched (which
/// bootstraps the metrics system, once per process): HTTP requests by route, method and status with
/// their durations (Hummingbird's `MetricsMiddleware`), the jobs' counters and durations
/// (``JobMetrics``), and the database's batch sizes. The queue gauges are set from the queue's
/// statistics at each scrape. Names are Prometheus's: dots become underscores.
public final class AssayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// The registry the metrics system was bootstrapped with, in this process.
    public static let shared: AssayMetrics = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.nameAndLabelSanitizer = { name, labels in
            (prometheusName(name), labels.map { (prometheusName($0.0), $0.1) })
        }
        factory.valueHistogramBuckets["assay_database_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
        factory.durationHistogramBuckets["assay_job_duration_seconds"] = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(100),
            .milliseconds(500), .seconds(1), .seconds(5), .seconds(30), .seconds(120),
        ]
        MetricsSystem.bootstrap(MemoizingMetricsFactory(wrapping: factory))
        return AssayMetrics(registry: registry)
    }()

    private init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    /// Sets the queue gauges from `statistics`: `assay_queue_jobs` by queue and state, the age of
    /// each queue's oldest available job, the jobs completed in the last hour, and, per backend
    /// section beside the database (Service Bus), its counts as `assay_queue_<section>_<count>`.
    public func record(_ statistics: [String: QueueStatistics]) {
        for (queue, counts) in statistics {
            let states: [(String, Int)] = [
                ("available", counts.available), ("scheduled", counts.scheduled), ("running", counts.running),
                ("dead", counts.dead),
            ]
            for (state, count) in states {
                gauge(
                    "assay_queue_jobs", "Jobs in the queue by state.", [("queue", queue), ("state", state)]
                )
                .set(to: Double(count))
            }
            gauge("assay_queue_completed_last_hour", "Jobs completed in the last hour.", [("queue", queue)])
                .set(to: Double(counts.completedLastHour))
            gauge(
                "assay_queue_oldest_available_age_seconds",
                "Age of the oldest job ready and not yet claimed.",
                [("queue", queue)]
            ).set(to: counts.oldestAvailableAgeSeconds)
            for (section, extra) in counts.extras {
                let prefix = "assay_queue_\(Self.prometheusName(section))"
                for (name, count) in extra.counts {
                    gauge(
                        "\(prefix)_\(Self.prometheusName(name))", "\(section): \(name) of the queue.",
                        [("queue", queue)]
                    ).set(to: Double(count))
                }
            }
        }
    }

    /// Sets Service Bus mode's fallback gauges from the publishing circuit: whether it is open (the
    /// database workers running what stays unpublished) and for how long it has been in its phase.
    public func record(_ circuit: PublishCircuit.Snapshot, now: Date) {
        gauge(
            "assay_service_bus_fallback", "1 while publishing to Service Bus fails and jobs run locally.", []
        )
        .set(to: circuit.isOpen ? 1 : 0)
        for phase in [PublishCircuit.Phase.closed, .open, .halfOpen] {
            gauge(
                "assay_service_bus_circuit", "The publishing circuit's phase: 1 for the current one.",
                [("phase", phase.rawValue)]
            ).set(to: circuit.phase == phase ? 1 : 0)
        }
        gauge(
            "assay_service_bus_circuit_phase_seconds",
            "How long the publishing circuit has been in its phase.", []
        )
        .set(to: max(0, now.timeIntervalSince(circuit.since)))
    }

    private func gauge(_ name: String, _ help: String, _ labels: [(String, String)]) -> Prometheus.Gauge {
        registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// Everything recorded, in Prometheus's text exposition format.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// `name` with every character Prometheus does not allow in a name made an underscore: ASCII
    /// letters and `_`, and digits after the first character.
    ///
    /// The metrics factory asks for it each time a counter or timer is made, which is at every
    /// request and every job, and the names are nearly always allowed already: those come back as
    /// they are, after one pass over their bytes.
    static func prometheusName(_ name: String) -> String {
        func allowed(_ byte: UInt8, at index: Int) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "_"):
                true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): index > 0
            default: false
            }
        }
        let utf8 = name.utf8
        if utf8.enumerated().allSatisfy({ allowed($0.element, at: $0.offset) }) { return name }
        return String(
            name.unicodeScalars.enumerated().map { index, scalar -> Character in
                scalar.isASCII && allowed(UInt8(scalar.value), at: index) ? Character(scalar) : "_"
            })
    }
}
