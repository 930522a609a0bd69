import Crypto
import Foundation

/// Checks a request's `Authorization: SharedAccessSignature sr=…&sig=…&se=…&skn=…` as Service Bus
/// documents it: the key named by `skn` must sign `sr` (as sent) + "\n" + `se`, `se` must be in the
/// future, `sr` must cover the requested entity, and the key must hold the right the operation needs.
struct SharedAccessSignatureVerifier: Sendable {
    let keys: [EmulatorKey]

    /// Throws a 401 for a missing, malformed, wrongly signed, expired or misdirected token, and a 403
    /// when the key lacks `right`.
    func verify(authorization: String?, path: String, right: EmulatorRight, now: Date)
        throws(EmulatorRequestError)
    {
        guard let authorization, authorization.hasPrefix("SharedAccessSignature ") else {
            throw Self.unauthorized("no SharedAccessSignature token in the Authorization header")
        }
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
        guard Double(expiry) > now.timeIntervalSince1970 else {
            throw Self.unauthorized("ExpiredToken: the token expired at \(expiryText)")
        }
        guard Self.covers(resource: resource.removingPercentEncoding ?? resource, path: path) else {
            throw Self.unauthorized("InvalidAudience: the token's resource does not cover \(path)")
        }
        guard key.grants(right) else {
            throw EmulatorRequestError(
                status: 403,
                detail:
                    "Unauthorized access. '\(right.rawValue)' claim(s) are required to perform this operation."
            )
        }
    }

    /// True when the resource URI's path is the request's path or a whole-segment prefix of it
    /// (case-insensitive); a resource without a path covers the whole namespace.
    static func covers(resource: String, path: String) -> Bool {
        var rest = Substring(resource)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let resourcePath = rest.firstIndex(of: "/").map { rest[$0...] } ?? ""
        let prefix = resourcePath.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let target = path.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return prefix.isEmpty || target == prefix || target.hasPrefix(prefix + "/")
    }

    private static func unauthorized(_ detail: String) -> EmulatorRequestError {
        EmulatorRequestError(status: 401, detail: detail)
    }
}
