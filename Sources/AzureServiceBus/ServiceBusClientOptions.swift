/// How long the client waits, and which management API version it speaks.
public struct ServiceBusClientOptions: Sendable {
    /// The limit for a request that does not wait on the broker: send, settle, management.
    public var requestTimeout: Duration
    /// How much longer than a receive's server-side wait the client waits for the answer, so that
    /// the broker's empty answer (204) arrives before the client gives up.
    public var receiveGrace: Duration
    /// The management API's `api-version`.
    public var apiVersion: String

    public init(
        requestTimeout: Duration = .seconds(30), receiveGrace: Duration = .seconds(10),
        apiVersion: String = "2021-05"
    ) {
        self.requestTimeout = requestTimeout
        self.receiveGrace = receiveGrace
        self.apiVersion = apiVersion
    }
}
