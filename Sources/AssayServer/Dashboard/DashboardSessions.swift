import Crypto
import Foundation

/// Signs and checks the dashboard's session cookies and their CSRF tokens, keyed by the admin token.
///
/// A cookie holds `<expiry>.<session id>.<signature>`: a random session id and its expiry (Unix
/// seconds), signed with HMAC-SHA256 under a key derived from the admin token. It never holds the
/// token itself; rotating the token invalidates every cookie signed with the old one. A session's
/// CSRF token is another HMAC of its id under the same key, so it needs no storage either.
struct DashboardSessions: Sendable {
    /// The session cookie's name.
    static let cookieName = "assay_session"
    /// How long a sign-in lasts.
    static let lifetime: TimeInterval = 12 * 60 * 60

    private let keyBytes: [UInt8]
    private let tokenDigest: [UInt8]

    init(adminToken: String) {
        keyBytes = Array(SHA256.hash(data: Data("assay dashboard session|\(adminToken)".utf8)))
        tokenDigest = Array(SHA256.hash(data: Data(adminToken.utf8)))
    }

    /// Whether `given` is the admin token, compared in constant time.
    func isAdminToken(_ given: String) -> Bool {
        let digest = SHA256.hash(data: Data(given.utf8))
        return zip(digest, tokenDigest).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A new session that lasts ``lifetime`` from `now`, and the cookie value that carries it.
    func issue(now: Date) -> (session: DashboardSession, cookieValue: String) {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<16).map { _ in
            String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator))
        }
        .joined()
        let expiry = Int((now + Self.lifetime).timeIntervalSince1970)
        let signed = "\(expiry).\(id)"
        return (session(id: id), "\(signed).\(hex(sign("session|\(signed)")))")
    }

    /// The session a cookie value carries, or nil when its signature is not this key's or it expired.
    func session(cookieValue: String, now: Date) -> DashboardSession? {
        let parts = cookieValue.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let expiry = Int(parts[0]), let signature = bytes(hex: parts[2]) else {
            return nil
        }
        let signed = "\(parts[0]).\(parts[1])"
        guard
            HMAC<SHA256>.isValidAuthenticationCode(
                signature, authenticating: Data("session|\(signed)".utf8), using: key),
            Double(expiry) > now.timeIntervalSince1970
        else { return nil }
        return session(id: String(parts[1]))
    }

    /// Whether `given` is the CSRF token of `session`, compared in constant time.
    func isCSRFToken(_ given: String, of session: DashboardSession) -> Bool {
        guard let bytes = bytes(hex: Substring(given)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            bytes, authenticating: Data("csrf|\(session.id)".utf8), using: key)
    }

    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    private func session(id: String) -> DashboardSession {
        DashboardSession(id: id, csrfToken: hex(sign("csrf|\(id)")))
    }

    private func sign(_ text: String) -> HashedAuthenticationCode<SHA256> {
        HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: key)
    }

    private func hex(_ code: HashedAuthenticationCode<SHA256>) -> String {
        code.map { String(format: "%02x", $0) }.joined()
    }

    private func bytes(hex: Substring) -> [UInt8]? {
        guard hex.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return bytes
    }
}
