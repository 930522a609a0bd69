import Hummingbird

/// The request context of Assay's routes: Hummingbird's core context with a 1 MiB body limit.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The largest request body Assay reads.
    public var maxUploadSize: Int { 1 << 20 }
}
