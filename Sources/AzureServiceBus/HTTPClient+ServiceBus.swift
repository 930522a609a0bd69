import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// The HTTP client that ``ServiceBusClient`` uses unless given another: like `HTTPClient.shared`
    /// (process-wide, never shut down, no read timeout: each request sets its own deadline), but
    /// with room for many connections to one namespace.
    ///
    /// A peek-lock receive over REST holds its connection for the broker's whole wait, so a worker
    /// with several receivers per queue keeps that many connections busy. The shared client opens
    /// at most 8 connections per host and queues the rest: with more receives waiting than that,
    /// sends and settlements waited behind them for a connection until their deadline passed.
    /// Connections are opened only when requests need them.
    public static let serviceBus = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: HTTPClient.Configuration(
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 1024)
        ))
}
