import AssayCore

/// A model's answer to one chat-completions request: its text and what the call cost.
public struct ChatCompletion: Sendable, Equatable {
    /// The first choice's message content.
    public var content: String
    /// Tokens and latency of the call.
    public var usage: ModelCall

    public init(content: String, usage: ModelCall) {
        self.content = content
        self.usage = usage
    }
}
