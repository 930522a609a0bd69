import Hummingbird
import NIOCore

/// The request context of the emulator: Hummingbird's core context and the connection's channel,
/// which the dropped-connection fault closes.
struct EmulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
