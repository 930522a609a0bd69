import AzureServiceBus
import Testing

@Suite struct ConnectionStringTests {
    @Test func azureConnectionStringGoesOverHTTPS() throws {
        let connection = try ServiceBusConnectionString(
            parsing:
                "Endpoint=sb://assay.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
                + "SharedAccessKey=c2VjcmV0LWtleQ==;EntityPath=scoring-jobs")
        #expect(connection.host == "assay.servicebus.windows.net")
        #expect(connection.port == nil)
        #expect(connection.sharedAccessKeyName == "RootManageSharedAccessKey")
        #expect(connection.entityPath == "scoring-jobs")
        #expect(!connection.usesDevelopmentEmulator)
        #expect(connection.baseURL == "https://assay.servicebus.windows.net")
    }

    @Test func developmentEmulatorGoesOverPlainHTTPToItsPort() throws {
        let connection = try ServiceBusConnectionString(
            parsing:
                "Endpoint=sb://localhost:5300;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true"
        )
        #expect(connection.usesDevelopmentEmulator)
        #expect(connection.baseURL == "http://localhost:5300")
    }

    @Test(arguments: [
        ("SharedAccessKeyName=k;SharedAccessKey=v", "Endpoint= is missing"),
        ("Endpoint=https://x/;SharedAccessKeyName=k;SharedAccessKey=v", "sb://"),
        ("Endpoint=sb://x/;SharedAccessKey=v", "SharedAccessKeyName= is missing"),
        ("Endpoint=sb://x/;SharedAccessKeyName=k", "SharedAccessKey= is missing"),
        (
            "Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=yes",
            "true or false"
        ),
        ("Endpoint", "no '='"),
    ])
    func badConnectionStringsNameWhatIsWrong(text: String, expected: String) {
        let error = #expect(throws: ServiceBusError.self) {
            try ServiceBusConnectionString(parsing: text)
        }
        guard case .invalidConnectionString(let reason) = error else {
            Issue.record("expected invalidConnectionString, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(expected))
    }

    @Test func theKeyNeverAppearsInDescriptionsOrReflection() throws {
        let connection = try ServiceBusConnectionString(
            parsing:
                "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=TOP-SECRET-KEY"
        )
        var dumped = ""
        dump(connection, to: &dumped)
        for text in ["\(connection)", String(reflecting: connection), dumped] {
            #expect(!text.contains("TOP-SECRET-KEY"))
        }
        #expect("\(connection)".contains("SharedAccessKey=<redacted>"))
    }
}
