import AssayServer
import AssayTestSupport
import AzureServiceBus
import Foundation
import Hummingbird
import HummingbirdTesting
import ServiceBusQueue
import Testing

/// The HTTP API in Service Bus mode, wired as `assay serve` wires it, with no broker to reach: the
/// submit answer follows the publishing circuit, and the queue status carries the broker's section.
@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct ServiceBusModeRoutesTests {
    /// Nothing listens on port 1: the broker is away.
    static let configuration = Result {
        try AssayConfiguration(environment: [
            "USE_SERVICE_BUS": "true",
            "AZURE_SERVICE_BUS_CONNECTION_STRING":
                "Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=a;SharedAccessKey=b;UseDevelopmentEmulator=true",
            "SERVICE_BUS_FALLBACK_SECONDS": "5", "SERVICE_BUS_RECLAIM_SECONDS": "300",
        ])
    }

    func withApp(_ test: @Sendable (any TestClientProtocol, ServiceBusRuntime) async throws -> Void)
        async throws
    {
        let fixture = try AssayFixture.current()
        let configuration = try Self.configuration.get()
        let serviceBus = try ServiceBusRuntime(configuration: configuration, store: fixture.store)
        let dependencies = AssayApplication.dependencies(
            configuration: configuration, store: fixture.store, adminToken: AssayFixture.adminToken,
            serviceBus: serviceBus)
        let app = Application(router: AssayRouter.build(dependencies: dependencies), logger: fixture.logger)
        try await app.test(.router) { client in try await test(client, serviceBus) }
    }

    @Test func theSubmitAnswerSaysFallbackWhileTheCircuitIsOpen() async throws {
        try await withApp { client, serviceBus in
            let published = try await client.submit(SampleSubmissions.perfect)
            #expect(try published.jsonObject()["queue_mode"] as? String == "service_bus")
            serviceBus.circuit.recordFailure(ServiceBusError.server(entity: "scoring-jobs", status: 500))
            let fallback = try await client.submit(SampleSubmissions.perfect)
            #expect(fallback.status == .ok)
            #expect(try fallback.jsonObject()["queue_mode"] as? String == "fallback")
        }
    }

    @Test func localWorkersWaitTheFallbackWindowWhileTheCircuitIsOpenAndTheReclaimWindowOtherwise()
        async throws
    {
        try await withApp { _, serviceBus in
            #expect(serviceBus.localOverdue() == .seconds(300))
            serviceBus.circuit.recordFailure(ServiceBusError.server(entity: "scoring-jobs", status: 500))
            #expect(serviceBus.localOverdue() == .seconds(5))
        }
    }

    @Test func theQueueStatusShowsTheOutboxAndTheCircuitAndWhyTheBrokersCountsAreMissing() async throws {
        try await withApp { client, serviceBus in
            _ = try await client.submitAccepted()
            serviceBus.circuit.recordFailure(ServiceBusError.server(entity: "scoring-jobs", status: 500))
            let response = try await client.admin(.get, "/api/admin/queue/status")
            let object = try response.jsonObject()
            #expect(object["service_bus_enabled"] as? Bool == true)
            let queues = try #require(object["queues"] as? [String: [String: Any]])
            let section = try #require(queues["scoring-jobs"]?["service_bus"] as? [String: Any])
            #expect(section["unpublished"] as? Int == 1)
            // Open, or half-open once its first backoff passed while the broker's counts were asked.
            #expect(["open", "half_open"].contains(section["circuit"] as? String))
            #expect(section["active_messages"] == nil)
            #expect((section["unavailable"] as? String)?.contains("'scoring-jobs'") == true)
        }
    }

    @Test func metricsShowTheFallbackStateAndTheOutbox() async throws {
        try await withApp { client, serviceBus in
            _ = try await client.submitAccepted()
            let closed = try PrometheusSamples(try await client.admin(.get, "/metrics").text)
            #expect(closed.value("assay_service_bus_fallback") == 0)
            #expect(closed.value("assay_queue_service_bus_unpublished", ["queue": "scoring-jobs"]) == 1)
            serviceBus.circuit.recordFailure(ServiceBusError.server(entity: "scoring-jobs", status: 500))
            let open = try PrometheusSamples(try await client.admin(.get, "/metrics").text)
            #expect(open.value("assay_service_bus_fallback") == 1)
            // Open, or half-open once its first backoff passed while the broker's counts were asked.
            let phases = ["closed", "open", "half_open"].map {
                open.value("assay_service_bus_circuit", ["phase": $0])
            }
            #expect(phases == [0, 1, 0] || phases == [0, 0, 1])
            #expect((open.value("assay_service_bus_circuit_phase_seconds") ?? -1) >= 0)
        }
    }
}
