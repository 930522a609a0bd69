import Foundation

/// The parts of a Service Bus connection string, as the Azure portal shows it.
///
/// ```swift
/// let connection = try ServiceBusConnectionString(
///     parsing: "Endpoint=sb://assay.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=…")
/// ```
///
/// `UseDevelopmentEmulator=true` means plain HTTP to the endpoint's host and port (a local
/// emulator); otherwise requests go over HTTPS. The key never appears in `description`, in
/// `debugDescription` nor in a reflection of the value.
public struct ServiceBusConnectionString: Sendable, Equatable {
    /// The namespace's host, such as `assay.servicebus.windows.net`.
    public let host: String
    /// The port given in the endpoint, if any.
    public let port: Int?
    public let sharedAccessKeyName: String
    let sharedAccessKey: String
    /// The queue the string was issued for (`EntityPath=`), if any.
    public let entityPath: String?
    /// True when the string names a local emulator, reached over plain HTTP.
    public let usesDevelopmentEmulator: Bool

    /// Parses `Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…][;UseDevelopmentEmulator=true]`.
    ///
    /// - Throws: `ServiceBusError.invalidConnectionString` naming the part that is missing or wrong
    ///   (never quoting the key).
    public init(parsing text: String) throws(ServiceBusError) {
        var fields: [String: String] = [:]
        for part in text.split(separator: ";", omittingEmptySubsequences: true) {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw .invalidConnectionString(
                    "a part has no '=' (expected Name=value pairs separated by ';')")
            }
            fields[trimmed[..<equals].lowercased()] = String(trimmed[trimmed.index(after: equals)...])
        }
        guard let endpoint = fields["endpoint"], !endpoint.isEmpty else {
            throw .invalidConnectionString(
                "Endpoint= is missing (expected Endpoint=sb://NAMESPACE.servicebus.windows.net/)")
        }
        guard let url = URL(string: endpoint), url.scheme?.lowercased() == "sb", let host = url.host,
            !host.isEmpty
        else {
            throw .invalidConnectionString(
                "Endpoint must be sb://HOST/ (for example sb://NAMESPACE.servicebus.windows.net/)")
        }
        guard let keyName = fields["sharedaccesskeyname"], !keyName.isEmpty else {
            throw .invalidConnectionString("SharedAccessKeyName= is missing")
        }
        guard let key = fields["sharedaccesskey"], !key.isEmpty else {
            throw .invalidConnectionString("SharedAccessKey= is missing")
        }
        let emulator = fields["usedevelopmentemulator"]?.lowercased()
        guard emulator == nil || emulator == "true" || emulator == "false" else {
            throw .invalidConnectionString("UseDevelopmentEmulator must be true or false")
        }
        self.host = host
        self.port = url.port
        self.sharedAccessKeyName = keyName
        self.sharedAccessKey = key
        self.entityPath = fields["entitypath"].flatMap { $0.isEmpty ? nil : $0 }
        self.usesDevelopmentEmulator = emulator == "true"
    }

    /// The base of every request: `https://HOST[:PORT]`, or `http://HOST[:PORT]` for an emulator.
    public var baseURL: String {
        let scheme = usesDevelopmentEmulator ? "http" : "https"
        return port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }
}

extension ServiceBusConnectionString: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable
{
    public var description: String {
        "Endpoint=sb://\(host)\(port.map { ":\($0)" } ?? "")/;SharedAccessKeyName=\(sharedAccessKeyName);"
            + "SharedAccessKey=<redacted>" + (entityPath.map { ";EntityPath=\($0)" } ?? "")
            + (usesDevelopmentEmulator ? ";UseDevelopmentEmulator=true" : "")
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host, "port": port as Any, "sharedAccessKeyName": sharedAccessKeyName,
                "entityPath": entityPath as Any, "usesDevelopmentEmulator": usesDevelopmentEmulator,
            ])
    }
}
