import ArgumentParser
import Foundation
import NIOHTTP1

/// Waits until the queues have drained a number of submissions and prints the drain rate.
struct DrainWait: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drain-wait",
        abstract:
            "Poll the queue status until --count reports are done; prints jobs per second since the start.")

    @Option(help: "The base URL of a running `assay serve`.") var url = "http://127.0.0.1:8000"
    @Option(help: "The admin token.") var token: String
    @Option(help: "How many submissions must reach their report.") var count: Int
    @Option(help: "Give up after this many seconds.") var timeout = 600.0
    @Option(
        help:
            "Seconds between two looks at the queue status (each look counts the jobs, which costs the database)."
    )
    var interval = 0.25

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be at least 1") }
        guard timeout > 0 else { throw ValidationError("--timeout must be more than 0 seconds") }
        guard (0.01...60).contains(interval) else {
            throw ValidationError("--interval must be from 0.01 to 60 seconds")
        }
    }

    func run() async throws {
        guard let statusURL = URL(string: url)?.appendingPathComponent("api/admin/queue/status") else {
            throw ValidationError("--url is not a URL")
        }
        try await BenchClient.with(connections: 1) { client in
            try await poll(statusURL.absoluteString, client: client)
        }
    }

    private func poll(_ statusURL: String, client: BenchClient) async throws {
        let started = ContinuousClock.now
        while (ContinuousClock.now - started).milliseconds < timeout * 1000 {
            let (_, data) = try await client.send(.GET, statusURL, token: token)
            let status = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            let queues = status?["queues"] as? [String: [String: Any]] ?? [:]
            let reports = queues["report-jobs"]?["completed_last_hour"] as? Int ?? 0
            let dead = queues.values.map { $0["dead_letter_messages"] as? Int ?? 0 }.reduce(0, +)
            if reports >= count {
                let seconds = (ContinuousClock.now - started).milliseconds / 1000
                print(
                    String(
                        format:
                            "drained %d submissions (%d jobs) in %.2f s: %.0f jobs/s, %.0f submissions/s, %d dead",
                        count, 2 * count, seconds, Double(2 * count) / seconds, Double(count) / seconds, dead)
                )
                return
            }
            try await Task.sleep(for: .seconds(interval))
        }
        throw BenchFailure(message: "not drained within \(timeout) s")
    }
}
