import Crypto
import Foundation
import Synchronization

/// Checks a request's `Authorization: SharedAccessSignature sr=…&sig=…&se=…&skn=…` as Service Bus
/// documents it: the key named by `skn` must sign `sr` (as sent) + "\n" + `se`, `se` must be in the
/// future, `sr` must cover the requested entity, and the key must hold the right the operation needs.
///
/// A client sends one token for many requests, so a token whose signature matched is remembered
/// (its key, expiry and resource; at most ``rememberedTokens`` of them): the next request with the
/// same text skips the HMAC and the parsing, and its expiry, audience and rights are checked again.
final class SharedAccessSignatureVerifier: Sendable {
    /// What a token whose signature matched grants, kept by the token's text.
    private struct VerifiedToken {
        let key: EmulatorKey
        let expiry: Int64
        let expiryText: String
        /// The resource's path, lowercased, without its leading and trailing `/`.
        let resourcePath: String
    }

    /// How many verified tokens are remembered before they are all forgotten.
    static let rememberedTokens = 1024

    let keys: [EmulatorKey]
    private let verified = Mutex<[String: VerifiedToken]>([:])

    init(keys: [EmulatorKey]) {
        self.keys = keys
    }

    /// Throws a 401 for a missing, malformed, wrongly signed, expired or misdirected token, and a 403
    /// when the key lacks `right`.
    func verify(authorization: String?, path: String, right: EmulatorRight, now: Date)
        throws(EmulatorRequestError)
    {
        guard let authorization, authorization.hasPrefix("SharedAccessSignature ") else {
            throw Self.unauthorized("no SharedAccessSignature token in the Authorization header")
        }
        let token: VerifiedToken
        if let remembered = verified.withLock({ $0[authorization] }) {
            token = remembered
        } else {
            token = try verifiedToken(authorization)
            verified.withLock { verified in
                if verified.count >= Self.rememberedTokens { verified.removeAll() }
                verified[authorization] = token
            }
        }
        guard Double(token.expiry) > now.timeIntervalSince1970 else {
            throw Self.unauthorized("ExpiredToken: the token expired at \(token.expiryText)")
        }
        guard Self.covers(resourcePath: token.resourcePath, path: path) else {
            throw Self.unauthorized("InvalidAudience: the token's resource does not cover \(path)")
        }
        guard token.key.grants(right) else {
            throw EmulatorRequestError(
                status: 403,
                detail:
                    "Unauthorized access. '\(right.rawValue)' claim(s) are required to perform this operation."
            )
        }
    }

    /// The token's fields once its signature matched a key's.
    private func verifiedToken(_ authorization: String) throws(EmulatorRequestError) -> VerifiedToken {
        var fields: [String: String] = [:]
        for pair in authorization.dropFirst("SharedAccessSignature ".count).split(separator: "&") {
            guard let equals = pair.firstIndex(of: "=") else {
                throw Self.unauthorized("the token is malformed")
            }
            fields[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        guard let resource = fields["sr"], let signature = fields["sig"]?.removingPercentEncoding,
            let expiryText = fields["se"], let expiry = Int64(expiryText),
            let keyName = fields["skn"]?.removingPercentEncoding
        else { throw Self.unauthorized("the token lacks sr, sig, se or skn") }
        guard let key = keys.first(where: { $0.name == keyName }) else {
            throw Self.unauthorized("InvalidSignature: no shared access policy is named '\(keyName)'")
        }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(resource)\n\(expiryText)".utf8), using: SymmetricKey(data: Data(key.key.utf8)))
        guard Data(mac).base64EncodedString() == signature else {
            throw Self.unauthorized("InvalidSignature: the token's signature does not match the key")
        }
        return VerifiedToken(
            key: key, expiry: expiry, expiryText: expiryText,
            resourcePath: Self.resourcePath(of: resource.removingPercentEncoding ?? resource))
    }

    /// True when the resource's path is the request's path or a whole-segment prefix of it
    /// (case-insensitive); a resource without a path covers the whole namespace.
    private static func covers(resourcePath prefix: String, path: String) -> Bool {
        let target = trimmingSlashes(Substring(path)).lowercased()
        return prefix.isEmpty || target == prefix || target.hasPrefix(prefix + "/")
    }

    /// The resource URI's path, lowercased, without its leading and trailing `/`.
    private static func resourcePath(of resource: String) -> String {
        var rest = Substring(resource)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let path = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
        return trimmingSlashes(path).lowercased()
    }

    private static func trimmingSlashes(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { $0 != "/" }),
            let last = text.lastIndex(where: { $0 != "/" })
        else { return "" }
        return text[first...last]
    }

    private static func unauthorized(_ detail: String) -> EmulatorRequestError {
        EmulatorRequestError(status: 401, detail: detail)
    }
}
