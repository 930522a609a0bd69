/// One message of a chat-completions conversation.
public struct ChatMessage: Codable, Sendable, Equatable {
    /// `system`, `user` or `assistant`.
    public var role: String
    /// The message's text.
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// A system message: the instructions.
    public static func system(_ content: String) -> ChatMessage {
        ChatMessage(role: "system", content: content)
    }
    /// A user message.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    /// An assistant message: what the model answered before.
    public static func assistant(_ content: String) -> ChatMessage {
        ChatMessage(role: "assistant", content: content)
    }
}
