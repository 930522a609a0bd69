import Metrics

/// The job counters and timings Assay reports through swift-metrics, by queue and kind:
/// `assay_jobs_enqueued_total`, `assay_jobs_completed_total`, `assay_jobs_retried_total`,
/// `assay_jobs_dead_total`, and `assay_job_duration_seconds` by outcome.
///
/// Each goes to the metrics factory bootstrapped when it is recorded (none: nothing is kept).
public enum JobMetrics {
    /// Counts a job that was stored: call it once the transaction that wrote it committed.
    public static func enqueued(queue: String, kind: String) {
        Counter(label: "assay_jobs_enqueued_total", dimensions: [("queue", queue), ("kind", kind)])
            .increment()
    }

    /// Counts a job that ran inline (``JobRequest/ranInline``), enqueued and completed at once:
    /// call it once the transaction that counted it committed.
    public static func ranInline(queue: String, kind: String) {
        enqueued(queue: queue, kind: kind)
        Counter(label: "assay_jobs_completed_total", dimensions: [("queue", queue), ("kind", kind)])
            .increment()
    }

    /// Counts what became of an attempt, and how long it ran when it ran.
    static func record(_ settlement: JobAttemptSettlement, of job: Job, ran duration: Duration?) {
        let dimensions = [("queue", job.queue), ("kind", job.kind)]
        let outcome: String
        switch settlement {
        case .completed:
            outcome = "completed"
            Counter(label: "assay_jobs_completed_total", dimensions: dimensions).increment()
        case .failed(.dead), .givenBack(.dead):
            outcome = "dead"
            Counter(label: "assay_jobs_dead_total", dimensions: dimensions).increment()
        case .failed:
            outcome = "retried"
            Counter(label: "assay_jobs_retried_total", dimensions: dimensions).increment()
        case .released: outcome = "released"
        case .givenBack: outcome = "given_back"
        case .skipped: outcome = "skipped"
        case .unrecorded: outcome = "unrecorded"
        }
        guard let duration else { return }
        Timer(
            label: "assay_job_duration_seconds", dimensions: dimensions + [("outcome", outcome)],
            preferredDisplayUnit: .seconds
        ).recordNanoseconds(Int64(duration.seconds * 1_000_000_000))
    }
}
