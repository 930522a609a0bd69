import Foundation

/// One scripted answer of ``ChatStub``: a status, headers, a body and a delay before answering.
public struct StubReply: Sendable {
    public var status: Int
    public var headers: [String: String] = [:]
    public var body: String
    public var delay: Duration = .zero

    public init(status: Int, headers: [String: String] = [:], body: String, delay: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    /// A 200 chat completion whose message is `content`, with usage of 120 prompt and 30 completion tokens.
    public static func completion(_ content: String, delay: Duration = .zero) -> StubReply {
        let message = String(decoding: try! JSONEncoder().encode(content), as: UTF8.self)
        let body = """
            {"id": "chatcmpl-1", "object": "chat.completion", "model": "stub-model",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": \(message)}, "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}}
            """
        return StubReply(status: 200, body: body, delay: delay)
    }

    /// A 200 chat completion grading `c1` and `c2` with these points.
    public static func grading(c1: Double, c2: Double, extra: String = "", delay: Duration = .zero)
        -> StubReply
    {
        completion(
            """
            {"criteria": [{"id": "c1", "points": \(c1), "reason": "Explains actors."},
                          {"id": "c2", "points": \(c2), "reason": "Mentions isolation."}],
             "feedback": "A clear answer."\(extra)}
            """, delay: delay)
    }

    /// An error reply with a JSON body in OpenAI's shape.
    public static func error(_ status: Int, message: String = "failed", headers: [String: String] = [:])
        -> StubReply
    {
        StubReply(status: status, headers: headers, body: #"{"error": {"message": "\#(message)"}}"#)
    }
}
