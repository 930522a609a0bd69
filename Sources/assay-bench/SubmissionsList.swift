import ArgumentParser
import AssayCore
import AssayStore
import Foundation
import JobQueue

/// The admin's submission list filtered by status, on a database holding many submissions.
struct SubmissionsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submissions-list",
        abstract: """
            Fill --count submissions (--completed-percent of them evaluated and reported, the rest queued) \
            and time the list filtered by each status. Use a throwaway database: it is filled.
            """)

    @Option(help: "The database, as DATABASE_URL (sqlite://PATH or postgres://…).") var database: String
    @Option(help: "Submissions to fill.") var count = 100_000
    @Option(help: "Percent of them completed: evaluated and reported.") var completedPercent = 90
    @Option(help: "Times each filtered list is read.") var repetitions = 200
    @Option(help: "The assessment (JSON file).") var assessment = "Examples/swift-basics.json"
    @Option(help: "A submission body (JSON file).") var body = "Examples/submissions/swift-basics.json"

    /// Writers in flight at once while filling: their writes share transactions.
    private static let lanes = 64

    func validate() throws {
        for (name, value, range) in [
            ("--count", count, 1...10_000_000), ("--completed-percent", completedPercent, 0...100),
            ("--repetitions", repetitions, 1...100_000),
        ] where !range.contains(value) {
            throw ValidationError("\(name) must be from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    func run() async throws {
        let store = try await BenchStore.open(database)
        try await store.whileRunning {
            let assessment = try AssayJSON.decoder().decode(
                Assessment.self, from: Data(contentsOf: URL(fileURLWithPath: self.assessment)))
            if try await store.assessment(id: assessment.id) == nil {
                try await store.insertAssessment(assessment, at: Date())
            }
            let content = try AssayJSON.decoder().decode(
                SubmissionContent.self, from: Data(contentsOf: URL(fileURLWithPath: body)))

            let started = ContinuousClock.now
            let completed = count * completedPercent / 100
            let count = count
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<Self.lanes {
                    group.addTask {
                        for index in stride(from: lane, to: count, by: Self.lanes) {
                            try await Self.fill(
                                store: store, assessment: assessment, content: content,
                                completes: index < completed)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let seconds = (ContinuousClock.now - started).milliseconds / 1000
            print(String(format: "filled %d submissions (%d completed) in %.1f s", count, completed, seconds))

            for status in SubmissionStatus.allCases {
                var times: [Double] = []
                var total = 0
                for _ in 0..<repetitions {
                    let begun = ContinuousClock.now
                    total = try await store.listSubmissions(SubmissionQuery(status: status, limit: 50)).total
                    times.append((ContinuousClock.now - begun).milliseconds)
                }
                times.sort()
                print(
                    String(
                        format: "list ?status=%@&limit=50 (%d match): p50 %.2f ms, p99 %.2f ms, max %.2f ms",
                        status.rawValue, total, times[times.count / 2], times[times.count * 99 / 100],
                        times[times.count - 1]))
            }
        }
    }

    /// Stores one submission with its scoring job and, when it `completes`, its evaluation (with its
    /// report job) and its report, as the workers would.
    private static func fill(
        store: any AssayStore, assessment: Assessment, content: SubmissionContent, completes: Bool
    ) async throws {
        let id = UUID().uuidString.lowercased()
        let now = Date()
        _ = try await store.insertSubmission(
            NewSubmission(
                id: id, assessmentID: assessment.id, content: content, idempotencyKey: nil,
                requestFingerprint: nil, createdAt: now),
            job: JobRequest(
                queue: "scoring-jobs", kind: "bench-fill", payload: Data("{}".utf8), dedupeKey: id))
        guard completes else { return }
        let evaluation = try await RubricScorer().evaluate(
            submissionID: id, content: content, for: assessment, at: now)
        try await store.insertEvaluation(
            evaluation,
            job: JobRequest(queue: "report-jobs", kind: "bench-fill", payload: Data("{}".utf8), dedupeKey: id)
        )
        try await store.insertReport(
            ReportBuilder.build(
                submissionID: id, assessment: assessment, content: content, evaluation: evaluation,
                generatedAt: now))
    }
}
