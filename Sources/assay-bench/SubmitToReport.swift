import ArgumentParser
import Foundation
import NIOHTTP1

/// Submits one assessment after another and measures how long each takes to reach `completed`.
struct SubmitToReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit-to-report",
        abstract: "Sequential submissions through the HTTP API; prints submit-to-report latency percentiles.")

    @Option(help: "The base URL of a running `assay serve`.")
    var url = "http://127.0.0.1:8000"

    @Option(help: "The assessment to submit to.")
    var assessment = "swift-basics"

    @Option(help: "A submission body (JSON file).")
    var body = "Examples/submissions/swift-basics.json"

    @Option(help: "How many submissions, one after another.")
    var count = 100

    func validate() throws {
        guard (1...100_000).contains(count) else { throw ValidationError("--count must be from 1 to 100000") }
    }

    func run() async throws {
        let payload = try Data(contentsOf: URL(fileURLWithPath: body))
        guard let base = URL(string: url) else { throw ValidationError("--url is not a URL") }
        var latencies: [Double] = []
        try await BenchClient.with(connections: 1) { client in
            for _ in 0..<count {
                let started = ContinuousClock.now
                let id = try await submit(payload, base: base, client: client)
                try await waitForCompletion(id, base: base, client: client)
                latencies.append((ContinuousClock.now - started).milliseconds)
            }
        }
        latencies.sort()
        print("submit-to-report over \(count) sequential submissions (ms):")
        print(
            String(
                format: "  p50 %.2f  p90 %.2f  p99 %.2f  max %.2f  mean %.2f", percentile(latencies, 50),
                percentile(latencies, 90), percentile(latencies, 99), latencies.last ?? 0,
                latencies.reduce(0, +) / Double(latencies.count)))
    }

    private func submit(_ payload: Data, base: URL, client: BenchClient) async throws -> String {
        let (status, data) = try await client.send(
            .POST,
            base.appendingPathComponent("api/candidate/assessment/\(assessment)/submit").absoluteString,
            json: payload)
        guard status == 200,
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let id = object["submission_id"] as? String
        else { throw BenchFailure(message: "submit failed: \(String(decoding: data, as: UTF8.self))") }
        return id
    }

    private func waitForCompletion(_ id: String, base: URL, client: BenchClient) async throws {
        let statusURL = base.appendingPathComponent("api/candidate/submissions/\(id)").absoluteString
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let (_, data) = try await client.send(.GET, statusURL)
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            switch object?["status"] as? String {
            case "completed": return
            case "failed": throw BenchFailure(message: "submission \(id) failed")
            default: try await Task.sleep(for: .microseconds(200))
            }
        }
        throw BenchFailure(message: "submission \(id) did not complete within 30 s")
    }

    private func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
