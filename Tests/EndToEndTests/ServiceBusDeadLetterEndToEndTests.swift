import AssayTestSupport
import AzureServiceBus
import Foundation
import Testing

/// A message the broker dead-lettered by itself, with real processes: `assay serve` reconciles it
/// with its job, `assay dlq` shows the job like any dead job, and its retry reaches an
/// `assay worker` through a message with a new `MessageId`.
@Suite("Service Bus dead letters, end to end", .serialized, .timeLimit(.minutes(5)))
struct ServiceBusDeadLetterEndToEndTests {
    typealias Deployment = ServiceBusRecoveryEndToEndTests.Deployment

    /// The scoring queue's counts in the queue status: the database's, and the broker's section.
    static func scoring(_ admin: HTTPClient) async throws -> (database: [String: Any], broker: [String: Any])
    {
        let scoring = try await ServiceBusRecoveryEndToEndTests.queues(admin)["scoring-jobs"] ?? [:]
        return (scoring, scoring["service_bus"] as? [String: Any] ?? [:])
    }

    @Test(
        "a message the broker dead-lettered makes its job dead, assay dlq shows it, and a retry runs it under a new MessageId"
    )
    func brokerDeadLetteredJob() async throws {
        let broker = try await ServiceBusEndToEndTests.Broker.start(maxDeliveryCount: 2)
        // No database worker, and no reclaim within the test: only the broker can run the job.
        let deployment = try await Deployment(
            broker: broker, settings: ["SERVICE_BUS_RECLAIM_SECONDS": "600"])
        defer { deployment.sandbox.remove() }
        let (server, admin) = try await deployment.serve(["--workers", "0"])
        let client = ServiceBusClient(
            connection: try ServiceBusConnectionString(parsing: broker.connectionString))
        let submission = try #require(try await HTTPClient(baseURL: admin.baseURL).submitSamples(1).first)

        // Delivered twice and never completed, as to workers that crashed: the broker dead-letters it.
        var messageIDs: [String] = []
        for _ in 0..<2 {
            let message = try #require(try await client.receive(from: "scoring-jobs", timeout: .seconds(30)))
            messageIDs.append(message.messageId ?? "")
            try await client.abandon(message)
        }
        let jobID = String(try #require(messageIDs.first?.split(separator: ":").first))
        #expect(messageIDs == ["\(jobID):0", "\(jobID):0"])

        let reconciled = try await eventually(timeout: .seconds(60), interval: .milliseconds(250)) {
            let (database, broker) = try await Self.scoring(admin)
            return database["dead_letter_messages"] as? Int == 1
                && broker["dead_letter_messages"] as? Int == 0
        }
        #expect(reconciled, "serve printed:\n\(server.printed.suffix(3000))")
        let status =
            try await HTTPClient(baseURL: admin.baseURL)
            .send("GET", "/api/candidate/submissions/\(submission)").json()["status"] as? String
        #expect(status == "failed")

        let list = try await CommandLineEndToEndTests.assay(
            ["dlq", "list"], environment: deployment.environment, sandbox: deployment.sandbox)
        let row = try #require(
            CommandLineEndToEndTests.row(jobID, in: list.output), "printed: \(list.output)")
        #expect(
            row.dropFirst(4).joined(separator: " ").hasPrefix(
                "Service Bus dead-lettered the message of attempt 0"))
        let show = try await CommandLineEndToEndTests.assay(
            ["dlq", "show", jobID], environment: deployment.environment, sandbox: deployment.sandbox)
        let errors = try CommandLineEndToEndTests.jsonObject(in: show.output)["errors"] as? [[String: Any]]
        #expect(
            errors?.compactMap { $0["message"] as? String } == [
                "Service Bus dead-lettered the message of attempt 0 after 2 deliveries: MaxDeliveryCountExceeded "
                    + "(Message could not be consumed after 2 delivery attempts.)"
            ])

        let retry = try await CommandLineEndToEndTests.assay(
            ["dlq", "retry", jobID], environment: deployment.environment, sandbox: deployment.sandbox)
        #expect(retry.status == 0, "printed: \(retry.output)")
        let republished = try #require(try await client.receive(from: "scoring-jobs", timeout: .seconds(30)))
        #expect(republished.messageId == "\(jobID):1", "a MessageId never used before")
        try await client.abandon(republished)

        let worker = try deployment.worker()
        let completed = try await eventually(timeout: .seconds(60), interval: .milliseconds(250)) {
            try await ServiceBusRecoveryEndToEndTests.completedSubmissions(admin) == 1
        }
        #expect(completed, "the worker printed:\n\(worker.printed.suffix(3000))")
        let (database, brokerCounts) = try await Self.scoring(admin)
        #expect(database["dead_letter_messages"] as? Int == 0)
        #expect(brokerCounts["dead_letter_messages"] as? Int == 0)

        #expect(try await worker.stop() == 0)
        #expect(try await server.stop() == 0)
        _ = try? await broker.process.stop()
    }
}
