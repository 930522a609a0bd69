import Crypto
import Foundation
import Synchronization

/// Signs requests with Shared Access Signature tokens made from a key name and key.
///
/// A token is `SharedAccessSignature sr=…&sig=…&se=…&skn=…`, where `sig` is the base64 of
/// HMAC-SHA256 over the URL-encoded resource, a newline and the expiry (seconds since 1970, UTC),
/// keyed with the key's text as given. Tokens are kept per resource and made anew once less than
/// `renewBefore` of their lifetime is left.
public final class SharedAccessSignatureProvider: ServiceBusTokenProvider {
    private let keyName: String
    private let key: Data
    private let lifetime: Duration
    private let renewBefore: Duration
    private let now: @Sendable () -> Date
    private let tokens = Mutex<[String: (token: String, expiry: Date)]>([:])

    /// A provider for the connection string's key; `now` is injectable for tests.
    public convenience init(
        connection: ServiceBusConnectionString, lifetime: Duration = .seconds(3600),
        renewBefore: Duration = .seconds(300), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            keyName: connection.sharedAccessKeyName, key: connection.sharedAccessKey, lifetime: lifetime,
            renewBefore: renewBefore, now: now)
    }

    init(
        keyName: String, key: String, lifetime: Duration, renewBefore: Duration,
        now: @escaping @Sendable () -> Date
    ) {
        self.keyName = keyName
        self.key = Data(key.utf8)
        self.lifetime = lifetime
        self.renewBefore = renewBefore
        self.now = now
    }

    public func authorization(for resource: String) throws(ServiceBusError) -> String {
        let now = now()
        if let cached = tokens.withLock({ $0[resource] }),
            cached.expiry.timeIntervalSince(now) > renewBefore.seconds
        {
            return cached.token
        }
        let expiry = Date(
            timeIntervalSince1970: (now.timeIntervalSince1970 + lifetime.seconds).rounded(.down))
        let token = Self.token(resource: resource, keyName: keyName, key: key, expiry: expiry)
        tokens.withLock { $0[resource] = (token, expiry) }
        return token
    }

    /// The token for `resource` that expires at `expiry`.
    static func token(resource: String, keyName: String, key: Data, expiry: Date) -> String {
        let encodedResource = percentEncoded(resource)
        let seconds = String(Int64(expiry.timeIntervalSince1970))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(encodedResource)\n\(seconds)".utf8), using: SymmetricKey(data: key))
        let signature = Data(mac).base64EncodedString()
        return "SharedAccessSignature sr=\(encodedResource)&sig=\(percentEncoded(signature))"
            + "&se=\(seconds)&skn=\(percentEncoded(keyName))"
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func percentEncoded(_ text: String) -> String {
        // Lock tokens, sequence numbers and most names need nothing encoded: skip Foundation then.
        guard !text.utf8.allSatisfy(isUnreserved) else { return text }
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    /// RFC 3986's unreserved characters: letters, digits, `-`, `_`, `.` and `~`.
    private static let unreserved = CharacterSet(
        charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~")

    /// True for the UTF-8 code unit of an RFC 3986 unreserved character.
    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            true
        default: false
        }
    }
}
