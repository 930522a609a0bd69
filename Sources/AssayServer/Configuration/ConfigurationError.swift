/// A configuration value that Assay cannot use, named so that the person starting it can fix it.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable (or flag) at fault.
    public var variable: String
    /// What is wrong, and what would be accepted.
    public var message: String

    public init(variable: String, message: String) {
        self.variable = variable
        self.message = message
    }

    public var description: String { "\(variable): \(message)" }
}
