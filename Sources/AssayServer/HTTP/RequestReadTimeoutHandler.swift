import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request is not read whole within a time limit, counted from its head.
///
/// The server's idle timeout closes a connection that sends nothing, or half a head and then
/// nothing; it cannot close one that sends a body a byte at a time, since every byte counts as
/// activity. This handler sits after HTTP decoding and gives each request `timeout` from its head
/// to its end; a client still sending then is disconnected. The time the application takes to
/// answer does not count.
final class RequestReadTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var expiry: Scheduled<Void>?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            expiry?.cancel()
            expiry = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
                context.close(promise: nil)
            }
        case .body:
            break
        case .end:
            expiry?.cancel()
            expiry = nil
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        expiry?.cancel()
        expiry = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        expiry?.cancel()
        expiry = nil
    }
}
