import Foundation
import Logging

/// The admin API's bearer token: from `ADMIN_API_TOKEN`, else the data folder's `admin-token`
/// file, else made at first start and stored with mode 0600 in a data folder made with mode 0700.
///
/// A new token is printed only when standard output is a terminal, where a person reads it; to a
/// pipe or a log file the start says where the token is kept instead. A token file that exists but
/// cannot be read stops the start: it is never replaced, as that would lock out whoever holds it.
enum AdminToken {
    static let fileName = "admin-token"

    /// The configured token, the stored one, or a new one; `announce` receives the line that says
    /// where a new token is kept, with the token itself only when `showsToken`.
    static func resolve(
        configured: String?, dataDirectory: String, logger: Logger,
        showsToken: Bool = isatty(STDOUT_FILENO) == 1,
        announce: (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
    ) throws(ConfigurationError) -> String {
        if let configured { return configured }
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(fileName).path
        if FileManager.default.fileExists(atPath: path) {
            guard let stored = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(
                    variable: "DATA_DIR",
                    message: "the admin token file \(path) exists but cannot be read as text; "
                        + "fix its permissions or contents, or set ADMIN_API_TOKEN (the file is left as it is)"
                )
            }
            let token = stored.trimmingCharacters(in: .whitespacesAndNewlines)
            if !token.isEmpty { return token }
        }
        do {
            try FileManager.default.createDirectory(
                atPath: dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw ConfigurationError(variable: "DATA_DIR", message: "cannot create \(dataDirectory)")
        }
        let token = generate()
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((token + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw ConfigurationError(variable: "DATA_DIR", message: "cannot write \(path)")
        }
        if showsToken {
            announce("Admin API token (kept in \(path); shown only this once): \(token)\n")
        } else {
            announce(
                "Admin API token created and kept in \(path) (mode 0600); "
                    + "not printed, as standard output is not a terminal\n")
        }
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
