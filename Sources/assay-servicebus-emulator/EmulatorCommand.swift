import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ServiceBusEmulator

/// `assay-servicebus-emulator`: the Service Bus REST test double on a port of its own.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assay-servicebus-emulator",
        abstract:
            "A test double of Azure Service Bus's REST API for tests and local development; not a broker.",
        discussion: """
            Prints a connection string with UseDevelopmentEmulator=true. Faults can be switched at run time:
              curl -X POST http://HOST:PORT/\\$emulator/faults -d '{"fault": "unavailable", "seconds": 10}'
            (fault: unavailable, throttled, server-error, hang, drop, stale-locks, none), and the emulator's
            clock moved on: curl -X POST http://HOST:PORT/\\$emulator/clock -d '{"advance_seconds": 60}'
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 5300

    @Option(help: "The shared access key name clients sign with.")
    var keyName = "RootManageSharedAccessKey"

    @Option(help: "The shared access key clients sign with.")
    var key = "emulator-development-key"

    @Option(name: .customLong("queue"), help: "A queue to create at start (repeatable).")
    var queues: [String] = []

    @Option(help: "Lock duration of the queues created at start, in seconds (5 to 300).")
    var lockDurationSeconds = 60

    @Option(help: "Deliveries after which a message moves to $DeadLetterQueue.")
    var maxDeliveryCount = 10

    @Option(
        help:
            "Status of a settlement whose lock is lost: 410 (as the service answers) or 404 (as documented).")
    var lostLockStatus = 410

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard (5...300).contains(lockDurationSeconds) else {
            throw ValidationError("--lock-duration-seconds must be 5 to 300")
        }
        guard maxDeliveryCount >= 1 else { throw ValidationError("--max-delivery-count must be at least 1") }
        guard lostLockStatus == 404 || lostLockStatus == 410 else {
            throw ValidationError("--lost-lock-status must be 404 or 410")
        }
        guard !keyName.isEmpty, !key.isEmpty else {
            throw ValidationError("--key-name and --key must not be empty")
        }
    }

    func run() async throws {
        let emulator = ServiceBusEmulator(
            configuration: EmulatorConfiguration(
                host: host, port: port, keys: [EmulatorKey(name: keyName, key: key)], queues: queues,
                lockDuration: .seconds(lockDurationSeconds), maxDeliveryCount: maxDeliveryCount,
                lostLockStatus: lostLockStatus))
        print(ServiceBusEmulator.testDoubleNotice)
        fflush(nil)
        var logger = Logger(label: "assay-servicebus-emulator")
        logger.logLevel = .warning
        let application = emulator.makeApplication(logger: logger) { port in
            print("AZURE_SERVICE_BUS_CONNECTION_STRING=\(emulator.connectionString(port: port))")
            fflush(nil)
        }
        try await application.runService()
    }
}
