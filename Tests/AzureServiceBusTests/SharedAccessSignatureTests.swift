import AzureServiceBus
import Foundation
import Synchronization
import Testing

@Suite struct SharedAccessSignatureTests {
    static let connection = try! ServiceBusConnectionString(
        parsing: "Endpoint=sb://assay.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
            + "SharedAccessKey=c2VjcmV0LWtleQ==")

    /// The expected token was computed apart, with Python's hmac, quote and base64, from the
    /// documented recipe: HMAC-SHA256(key text, urlencode(uri) + "\n" + expiry).
    @Test func tokenFollowsTheDocumentedRecipe() throws {
        let provider = SharedAccessSignatureProvider(
            connection: Self.connection, now: { Date(timeIntervalSince1970: 1_800_000_000) })
        let token = try provider.authorization(for: "https://assay.servicebus.windows.net/scoring-jobs")
        #expect(
            token
                == "SharedAccessSignature sr=https%3A%2F%2Fassay.servicebus.windows.net%2Fscoring-jobs"
                + "&sig=UEpSIiZCT2PUSCqASBPCLzM3JSaJ%2FvUg3C7dsXwDvWA%3D&se=1800003600&skn=RootManageSharedAccessKey"
        )
    }

    @Test func tokenIsReusedUntilLessThanRenewBeforeIsLeftThenRenewed() throws {
        let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        let provider = SharedAccessSignatureProvider(
            connection: Self.connection, lifetime: .seconds(3600), renewBefore: .seconds(300),
            now: { now.withLock { $0 } })
        let resource = "https://assay.servicebus.windows.net/scoring-jobs"
        let first = try provider.authorization(for: resource)
        now.withLock { $0 += 3000 }
        #expect(try provider.authorization(for: resource) == first)
        now.withLock { $0 += 301 }
        let renewed = try provider.authorization(for: resource)
        #expect(renewed != first)
        #expect(renewed.contains("&se=\(1_800_000_000 + 3301 + 3600)&"))
        #expect(
            try provider.authorization(for: "https://assay.servicebus.windows.net/report-jobs") != renewed)
    }
}
