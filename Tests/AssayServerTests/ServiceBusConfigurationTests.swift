import AssayServer
import AzureServiceBus
import Testing

/// Service Bus mode's settings: the connection string it requires, and its windows and receivers.
@Suite("Configuration: Service Bus mode")
struct ServiceBusConfigurationTests {
    static let connection =
        "Endpoint=sb://assay.servicebus.windows.net/;SharedAccessKeyName=worker;SharedAccessKey=SECRET-KEY"

    @Test(
        "USE_SERVICE_BUS=true or QUEUE_BACKEND=servicebus turns it on, with a connection string",
        arguments: [["USE_SERVICE_BUS": "true"], ["QUEUE_BACKEND": "servicebus"]])
    func turnedOn(switch environment: [String: String]) throws {
        let configuration = try AssayConfiguration(
            environment: environment.merging(["AZURE_SERVICE_BUS_CONNECTION_STRING": Self.connection]) { $1 })
        #expect(configuration.queueBackend == .serviceBus)
        #expect(configuration.queueMode == "service_bus")
        #expect(configuration.serviceBusConnection?.host == "assay.servicebus.windows.net")
        #expect(configuration.serviceBusConnection?.sharedAccessKeyName == "worker")
        #expect(configuration.serviceBusFallbackDelay == .seconds(5))
        #expect(configuration.serviceBusReclaimDelay == .seconds(300))
        #expect(configuration.serviceBusReceivers == 16)
    }

    @Test("its windows and receivers are read")
    func values() throws {
        let configuration = try AssayConfiguration(environment: [
            "USE_SERVICE_BUS": "true", "AZURE_SERVICE_BUS_CONNECTION_STRING": Self.connection,
            "SERVICE_BUS_FALLBACK_SECONDS": "2.5", "SERVICE_BUS_RECLAIM_SECONDS": "60",
            "SERVICE_BUS_RECEIVERS": "4",
        ])
        #expect(configuration.serviceBusFallbackDelay == .seconds(2.5))
        #expect(configuration.serviceBusReclaimDelay == .seconds(60))
        #expect(configuration.serviceBusReceivers == 4)
    }

    @Test("without Service Bus mode, no connection string is needed")
    func offByDefault() throws {
        let configuration = try AssayConfiguration(environment: [:])
        #expect(configuration.queueBackend == .database)
        #expect(configuration.serviceBusConnection == nil)
    }

    @Test("a missing connection string fails in one line naming the variable")
    func missingConnection() {
        #expect(
            throws: ConfigurationError(
                variable: "AZURE_SERVICE_BUS_CONNECTION_STRING",
                message: "is required with USE_SERVICE_BUS=true or QUEUE_BACKEND=servicebus "
                    + "(Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…)"
            )
        ) {
            try AssayConfiguration(environment: ["USE_SERVICE_BUS": "true"])
        }
    }

    @Test(
        "a malformed connection string fails naming the variable and the part at fault, never the key",
        arguments: [
            (
                "Endpoint=https://x/;SharedAccessKeyName=a;SharedAccessKey=SECRET-KEY",
                "Endpoint must be sb://"
            ),
            ("Endpoint=sb://x/;SharedAccessKey=SECRET-KEY", "SharedAccessKeyName= is missing"),
            ("Endpoint=sb://x/;SharedAccessKeyName=a;SharedAccessKey=SECRET-KEY;junk", "has no '='"),
        ])
    func malformedConnection(text: String, expected: String) {
        do {
            _ = try AssayConfiguration(environment: [
                "USE_SERVICE_BUS": "true", "AZURE_SERVICE_BUS_CONNECTION_STRING": text,
            ])
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.variable == "AZURE_SERVICE_BUS_CONNECTION_STRING")
            #expect(error.message.contains(expected), "\(error)")
            #expect(!"\(error)".contains("SECRET-KEY"))
            #expect(!"\(error)".contains("\n"))
        }
    }

    @Test(
        "a bad window or receiver count names its variable",
        arguments: [
            ("SERVICE_BUS_FALLBACK_SECONDS", "soon"), ("SERVICE_BUS_RECLAIM_SECONDS", "0"),
            ("SERVICE_BUS_RECEIVERS", "0"),
        ])
    func badValues(variable: String, value: String) {
        do {
            _ = try AssayConfiguration(environment: [variable: value])
            Issue.record("accepted \(variable)=\(value)")
        } catch {
            #expect(error.variable == variable)
        }
    }
}
