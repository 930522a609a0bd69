import ArgumentParser
import Foundation
import NIOHTTP1

/// Submits many assessments at once through the HTTP API and prints the rate.
struct Fill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit --count submissions, --concurrency at a time; prints submissions per second.")

    @Option(help: "The base URL of a running `assay serve`.") var url = "http://127.0.0.1:8000"
    @Option(help: "The assessment to submit to.") var assessment = "swift-basics"
    @Option(help: "A submission body (JSON file).") var body = "Examples/submissions/swift-basics.json"
    @Option(help: "How many submissions.") var count = 10_000
    @Option(help: "Requests in flight at once.") var concurrency = 32

    func validate() throws {
        guard (1...1_000_000).contains(count) else {
            throw ValidationError("--count must be from 1 to 1000000")
        }
        guard (1...1024).contains(concurrency) else {
            throw ValidationError("--concurrency must be from 1 to 1024")
        }
    }

    func run() async throws {
        let payload = try Data(contentsOf: URL(fileURLWithPath: body))
        guard
            let target = URL(string: url)?.appendingPathComponent(
                "api/candidate/assessment/\(assessment)/submit")
        else { throw ValidationError("--url is not a URL") }
        let started = ContinuousClock.now
        try await BenchClient.with(connections: concurrency) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        for _ in stride(from: lane, to: count, by: concurrency) {
                            let (status, data) = try await client.send(
                                .POST, target.absoluteString, json: payload)
                            guard status == 200 else {
                                throw BenchFailure(
                                    message: "submit failed: \(String(decoding: data, as: UTF8.self))")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let seconds = (ContinuousClock.now - started).milliseconds / 1000
        print(
            String(
                format: "submitted %d in %.2f s: %.0f submissions/s", count, seconds, Double(count) / seconds)
        )
    }
}
