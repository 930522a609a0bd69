import AssayStore
import AzureServiceBus
import JobQueue
import Logging
import ServiceBusQueue
import ServiceLifecycle

/// Service Bus mode's parts for one process: the clients of the namespace, the publishing circuit,
/// and the builders of the relay, the dead-letter reconciler, the broker worker's attempt source, the
/// local workers' claims and the queue status's section.
///
/// `serve` runs a relay and, as the fallback, database workers that take what stayed unpublished
/// for the fallback window while the circuit is open (and what no broker worker claimed within the
/// reclaim window, whatever the circuit); `assay worker` runs a relay and a worker on the broker's
/// deliveries. Both run a dead-letter reconciler.
public struct ServiceBusRuntime: Sendable {
    /// Receives, settles and renews; its request deadline is the client's default.
    public let client: ServiceBusClient
    /// Sends and asks the management API, with a short deadline: a broker that does not answer
    /// should open the circuit, or leave the status without its counts, soon.
    public let quickClient: ServiceBusClient
    /// This process's circuit over publishing, shared by its relay, its local workers and its
    /// submit answers.
    public let circuit: PublishCircuit
    public let configuration: AssayConfiguration
    public let outbox: any JobOutbox

    /// The parts for `store` in Service Bus mode.
    ///
    /// - Throws: `ConfigurationError` when Service Bus mode is off (no connection string), or the
    ///   store's job driver cannot serve as the outbox.
    public init(configuration: AssayConfiguration, store: any AssayStore) throws(ConfigurationError) {
        guard let connection = configuration.serviceBusConnection else {
            throw ConfigurationError(
                variable: "AZURE_SERVICE_BUS_CONNECTION_STRING", message: "is required in Service Bus mode")
        }
        guard let outbox = store.jobs as? any JobOutbox else {
            throw ConfigurationError(
                variable: "QUEUE_BACKEND",
                message: "this store's job driver cannot serve as Service Bus's outbox")
        }
        self.configuration = configuration
        self.outbox = outbox
        client = ServiceBusClient(connection: connection)
        quickClient = ServiceBusClient(
            connection: connection, options: ServiceBusClientOptions(requestTimeout: .seconds(5)))
        circuit = PublishCircuit()
    }

    /// How long past its run-at a job must be before a database worker of this process takes it:
    /// the fallback window while publishing fails, the reclaim window while it works.
    public var localOverdue: @Sendable () -> Duration {
        { [circuit, configuration] in
            circuit.state.isOpen
                ? configuration.serviceBusFallbackDelay : configuration.serviceBusReclaimDelay
        }
    }

    /// The relay that publishes the outbox of `queues`, waking when `notifier` says jobs came.
    public func relay(queues: [String], notifier: JobNotifier, logger: Logger) -> OutboxRelay {
        OutboxRelay(
            outbox: outbox, sender: quickClient, queues: queues, circuit: circuit, notifier: notifier,
            options: OutboxRelay.Options(
                reclaimWindow: configuration.serviceBusReclaimDelay, sendTimeout: .seconds(5)),
            logger: logger)
    }

    /// The reconciler of the messages the broker dead-lettered on `queues`: it makes their jobs dead
    /// in the database, where `assay dlq` shows them and an admin's retry moves them back.
    public func deadLetterReconciler(queues: [String], logger: Logger) -> DeadLetterReconciler {
        DeadLetterReconciler(client: client, outbox: outbox, queues: queues, logger: logger)
    }

    /// The attempt source of a broker worker on `queues`, claiming on `driver`.
    public func attemptSource(driver: any JobQueueDriver, queues: [String], logger: Logger)
        -> ServiceBusAttemptSource
    {
        ServiceBusAttemptSource(
            client: client, driver: driver, queues: queues,
            options: ServiceBusAttemptSource.Options(receivers: configuration.serviceBusReceivers),
            logger: logger)
    }

    /// The queue status's `service_bus` section.
    public var statusContributor: ServiceBusStatusContributor {
        ServiceBusStatusContributor(client: quickClient, outbox: outbox, circuit: circuit)
    }

    /// Creates the queues that are missing, where the key has the Manage right. Never fatal: without
    /// the right, or with the broker away, it says so once and leaves the rest to the relay and the
    /// receivers, so that a process starts promptly whatever the broker's state.
    public func createMissingQueues(logger: Logger) async {
        for queue in configuration.queues {
            do {
                if try await quickClient.createQueueIfMissing(queue) {
                    logger.notice("Service Bus queue created", metadata: ["queue": .string(queue)])
                }
            } catch ServiceBusError.unauthorized, ServiceBusError.forbidden {
                logger.notice(
                    "cannot check or create Service Bus queues without the Manage right; they must exist",
                    metadata: ["queue": .string(queue)])
                return
            } catch {
                logger.warning(
                    "could not check or create the Service Bus queues",
                    metadata: ["queue": .string(queue), "error": .string("\(error)")])
                return
            }
        }
    }
}
