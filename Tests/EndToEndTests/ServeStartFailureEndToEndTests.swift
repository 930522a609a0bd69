import AssayTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `assay serve` that cannot start ends: non-zero, in seconds, saying why in one line.
@Suite("assay serve that cannot listen, end to end", .serialized, .timeLimit(.minutes(5)))
struct ServeStartFailureEndToEndTests {
    /// A port of 127.0.0.1 this test listens on, so that nobody else can.
    final class TakenPort {
        let port: Int
        private let socketDescriptor: Int32

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    bind(descriptor, pointer, length) == 0 && listen(descriptor, 1) == 0
                        && getsockname(descriptor, pointer, &length) == 0
                }
            }
            guard descriptor >= 0, bound else {
                close(descriptor)
                throw ProcessFailure(message: "could not take a port: errno \(errno)")
            }
            socketDescriptor = descriptor
            port = Int(UInt16(bigEndian: address.sin_port))
        }

        deinit {
            close(socketDescriptor)
        }
    }

    @Test("serve on a port already taken exits non-zero within seconds, with one line naming the address")
    func portTaken() async throws {
        let taken = try TakenPort()
        let sandbox = try await ServeEndToEndTests.Sandbox()
        defer { sandbox.remove() }
        let server = try AssayProcess(
            arguments: ["serve"],
            environment: sandbox.environment.merging([
                "ADMIN_API_TOKEN": ServeEndToEndTests.token, "PORT": "\(taken.port)",
            ]) { $1 },
            workingDirectory: sandbox.directory)
        let status = try await server.exitStatus(timeout: .seconds(30))
        let lines = server.printed.split(separator: "\n")
        #expect(status != 0)
        #expect(
            lines.filter { $0 == "assay: cannot listen on 127.0.0.1:\(taken.port): address already in use" }
                .count == 1, "serve printed:\n\(server.printed)")
        // The start's own lines and the pool's notes on connections cut short: a handful, not a flood.
        #expect(lines.count <= 12, "serve printed:\n\(server.printed)")
    }
}
