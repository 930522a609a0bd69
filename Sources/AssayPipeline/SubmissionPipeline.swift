import AssayCore
import AssayLLM
import AssayStore
import Foundation
import JobQueue

/// The jobs that take a stored submission to its report, and what they run on: the scorer, and,
/// with the LLM scorer, the model that writes the report's words.
///
/// The worker's wiring builds one and hands its ``handlers(servingQueues:)`` to a `JobWorker`; nothing here knows
/// HTTP or where the jobs come from.
public struct SubmissionPipeline: Sendable {
    public let store: any AssayStore
    public let scorer: any Scorer
    /// Writes the report's summary, strengths and improvements; `nil` keeps the template's.
    public let reportWriter: LLMReportWriter?
    public let reportQueue: String
    public let maxAttempts: Int
    /// The longest one attempt of a job may run.
    public let attemptTimeout: Duration
    /// Holds the submissions whose scoring jobs this process handed to its worker as it stored
    /// them: their handler scores them without reading them back.
    public let handoff: ScoringHandoff?
    public let now: @Sendable () -> Date

    public init(
        store: any AssayStore, scorer: any Scorer, reportWriter: LLMReportWriter? = nil, reportQueue: String,
        maxAttempts: Int, attemptTimeout: Duration = .seconds(120), handoff: ScoringHandoff? = nil,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.store = store
        self.scorer = scorer
        self.reportWriter = reportWriter
        self.reportQueue = reportQueue
        self.maxAttempts = maxAttempts
        self.attemptTimeout = attemptTimeout
        self.handoff = handoff
        self.now = now
    }

    /// The pipeline for `settings`: the rubric scorer, or the LLM scorer and report writer sharing
    /// one client, whose model calls are bounded by `LLM_MAX_CONCURRENCY` whatever the job
    /// concurrency.
    public init(
        store: any AssayStore, scorer settings: ScorerSettings, reportQueue: String, maxAttempts: Int,
        handoff: ScoringHandoff? = nil, now: @escaping @Sendable () -> Date = Date.init
    ) {
        switch settings {
        case .rubric:
            self.init(
                store: store, scorer: RubricScorer(), reportQueue: reportQueue, maxAttempts: maxAttempts,
                handoff: handoff, now: now)
        case .llm(let llm):
            let client = ChatCompletionsClient(settings: llm, limiter: CallLimiter(limit: llm.maxConcurrency))
            self.init(
                store: store, scorer: LLMScorer(client: client),
                reportWriter: LLMReportWriter(client: client),
                reportQueue: reportQueue, maxAttempts: maxAttempts, handoff: handoff, now: now)
        }
    }

    /// One handler per job kind, for a worker serving `queues`: scoring, then the report. When no
    /// model writes the report's words and the worker serves the report queue too, the scoring job
    /// builds the report itself (the report job's one attempt, run inline), as this worker would
    /// have right after; a worker that serves scoring alone leaves reports to the report queue's.
    public func handlers(servingQueues queues: [String]) -> [any JobHandler] {
        [
            ScoringJobHandler(
                store: store, scorer: scorer, reportQueue: reportQueue,
                buildsReports: reportWriter == nil && queues.contains(reportQueue),
                maxAttempts: maxAttempts, timeout: attemptTimeout, handoff: handoff, now: now),
            ReportJobHandler(store: store, writer: reportWriter, timeout: attemptTimeout, now: now),
        ]
    }
}
