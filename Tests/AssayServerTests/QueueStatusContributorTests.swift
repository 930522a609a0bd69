import AssayCore
import AssayServer
import AssayTestSupport
import Foundation
import JobQueue
import Testing

/// Backends beside the database extend the queue status with a section of their own.
@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct QueueStatusContributorTests {
    struct Broker: QueueStatusContributor {
        let section = "service_bus"
        func statusExtras(queues: [String]) async throws -> [String: QueueStatusExtra] {
            ["scoring-jobs": QueueStatusExtra(counts: ["active_messages": 2, "dead_letter_messages": 1])]
        }
    }

    struct OpenCircuit: QueueStatusContributor {
        let section = "service_bus"
        func statusExtras(queues: [String]) async throws -> [String: QueueStatusExtra] {
            ["report-jobs": QueueStatusExtra(counts: ["unpublished": 4], states: ["circuit": "open"])]
        }
    }

    struct AwayBroker: QueueStatusContributor {
        struct Unreachable: Error, CustomStringConvertible {
            var description: String { "broker unreachable" }
        }
        let section = "relay"
        func statusExtras(queues: [String]) async throws -> [String: QueueStatusExtra] { throw Unreachable() }
    }

    func status(contributors: [any QueueStatusContributor]) async throws -> [String: [String: Any]] {
        let fixture = try AssayFixture.current()
        let status = try await AssayApplication.queueStatus(
            store: fixture.store, queues: ["scoring-jobs", "report-jobs"], mode: "service_bus",
            backend: "sqlite", now: Date(), contributors: contributors)
        let object = try JSONSerialization.jsonObject(with: try AssayJSON.encoder().encode(status))
        return try #require((object as? [String: Any])?["queues"] as? [String: [String: Any]])
    }

    @Test func aContributorsCountsAppearInTheirSectionBesideTheDatabaseCounts() async throws {
        let queues = try await status(contributors: [Broker()])
        let section = try #require(queues["scoring-jobs"]?["service_bus"] as? [String: Int])
        #expect(section == ["active_messages": 2, "dead_letter_messages": 1])
        #expect(queues["scoring-jobs"]?["active_messages"] as? Int == 0)
        #expect(queues["report-jobs"]?["service_bus"] == nil)
    }

    @Test func aContributorThatCannotBeAskedSaysWhyAndTheDatabaseCountsStand() async throws {
        let queues = try await status(contributors: [AwayBroker()])
        for name in ["scoring-jobs", "report-jobs"] {
            let section = try #require(queues[name]?["relay"] as? [String: Any])
            #expect(section["unavailable"] as? String == "broker unreachable")
            #expect(queues[name]?["dead_letter_messages"] as? Int == 0)
        }
    }

    @Test func aContributorsStatesAppearBesideItsCounts() async throws {
        let queues = try await status(contributors: [OpenCircuit()])
        let section = try #require(queues["report-jobs"]?["service_bus"] as? [String: Any])
        #expect(section["unpublished"] as? Int == 4)
        #expect(section["circuit"] as? String == "open")
    }

    @Test func withoutContributorsTheStatusHasNoSections() async throws {
        let queues = try await status(contributors: [])
        for counts in queues.values {
            #expect(counts.values.allSatisfy { !($0 is [String: Any]) })
        }
    }
}
