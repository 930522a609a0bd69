import AssayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct QueueStatusTests {
    private static let empty = QueueStatusBody.Counts(
        activeMessages: 0, scheduledMessages: 0, deadLetterMessages: 0, running: 0, completedLastHour: 0)

    @Test func statusHasThePlansShapeWithBothQueuesWhenEmpty() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/queue/status")
            #expect(response.status == .ok)
            let object = try response.jsonObject()
            #expect(object["service_bus_enabled"] as? Bool == false)
            #expect(object["mode"] as? String == "database")
            let queues = try #require(object["queues"] as? [String: [String: Any]])
            #expect(Set(queues.keys) == ["scoring-jobs", "report-jobs"])
            for (name, counts) in queues {
                let keys = Set(counts.keys)
                #expect(
                    keys.isSuperset(of: [
                        "active_messages", "scheduled_messages", "dead_letter_messages", "running",
                        "completed_last_hour",
                    ]), "queue \(name)")
            }
            let status = try response.decoded(as: QueueStatusBody.self)
            #expect(status.queues["scoring-jobs"] == Self.empty)
            #expect(status.queues["report-jobs"] == Self.empty)
        }
    }

    @Test func submissionsWaitInTheScoringQueueWithoutAWorker() async throws {
        try await AssayFixture.current().withApp { client in
            for _ in 0..<3 { _ = try await client.submitAccepted() }
            let status = try await client.queueStatus()
            #expect(!status.serviceBusEnabled)
            #expect(status.mode == "database")
            var waiting = Self.empty
            waiting.activeMessages = 3
            #expect(status.queues["scoring-jobs"] == waiting)
            #expect(status.queues["report-jobs"] == Self.empty)
        }
    }

    @Test func oldestWaitingJobsAgeIsReported() async throws {
        try await AssayFixture.current().withApp { client in
            _ = try await client.submitAccepted()
            try await Task.sleep(for: .milliseconds(100))
            let object = try await client.admin(.get, "/api/admin/queue/status").jsonObject()
            let queues = try #require(object["queues"] as? [String: [String: Any]])
            let age = try #require(queues["scoring-jobs"]?["oldest_available_age_seconds"] as? Double)
            #expect(age >= 0.1 && age < 60, "age: \(age)")
            #expect(queues["report-jobs"]?["oldest_available_age_seconds"] as? Double == 0)
        }
    }

    @Test func completedJobsAreCountedOnceTheWorkerRan() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let first = try await client.submitAccepted()
            let second = try await client.submitAccepted(SampleSubmissions.empty)
            let third = try await client.submitAccepted()
            try await client.waitUntilCompleted(first, second, third)

            var done = Self.empty
            done.completedLastHour = 3
            let counted = try await eventually {
                let status = try await client.queueStatus()
                return status.queues["scoring-jobs"] == done && status.queues["report-jobs"] == done
            }
            let status = try await client.queueStatus()
            #expect(counted, "queues: \(status.queues)")
        }
    }
}
