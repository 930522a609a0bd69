import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A plain TCP connection to 127.0.0.1, to send a server what no HTTP client would (half a head,
/// a body a byte at a time) and to see when the server closes it.
final class RawConnection {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let socketDescriptor: Int32
    private var received: [UInt8] = []

    init(port: Int) throws {
        socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(socketDescriptor)
            throw Failure(description: "connect: errno \(errno)")
        }
    }

    deinit {
        close(socketDescriptor)
    }

    /// Sends `text`; `false` when the server has closed the connection.
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes {
            Glibc.send(socketDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
            == bytes.count
    }

    /// Whether the server has closed the connection, looking without waiting; what it sent before
    /// is kept for ``receivedText()``.
    var isClosedByServer: Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let read = recv(socketDescriptor, &chunk, chunk.count, Int32(MSG_DONTWAIT))
            if read > 0 {
                received += chunk.prefix(read)
                continue
            }
            return read == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)
        }
    }

    /// What the server has sent so far and was not returned before, as text.
    func receivedText() -> String {
        _ = isClosedByServer
        defer { received.removeAll() }
        return String(decoding: received, as: UTF8.self)
    }
}
