import Foundation
import Logging

/// The admin API's bearer token: from `ADMIN_API_TOKEN`, else the data folder's `admin-token`
/// file, else made at first start, stored with mode 0600 and printed once.
enum AdminToken {
    static let fileName = "admin-token"

    static func resolve(configured: String?, dataDirectory: String, logger: Logger) throws -> String {
        if let configured { return configured }
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(fileName).path
        if let stored = try? String(contentsOfFile: path, encoding: .utf8) {
            let token = stored.trimmingCharacters(in: .whitespacesAndNewlines)
            if !token.isEmpty { return token }
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let token = generate()
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw ConfigurationError(variable: "DATA_DIR", message: "cannot write \(path)")
        }
        let notice = "Admin API token (kept in \(path); shown only this once): \(token)\n"
        FileHandle.standardOutput.write(Data(notice.utf8))
        logger.notice("admin token created", metadata: ["path": .string(path)])
        return token
    }

    /// 32 random bytes from the system's secure generator, as hex.
    static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator))
        }.joined()
    }
}
