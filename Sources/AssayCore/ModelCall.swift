/// What one model call cost: its tokens and its latency, kept with the evaluation and the report so
/// that an operator can see what a submission cost.
public struct ModelCall: Codable, Sendable, Equatable {
    /// What the call was for, such as `grade q5` or `repair q5`.
    public var purpose: String
    /// The model that answered, as the server names it (or the configured model).
    public var model: String
    /// `usage.prompt_tokens`, when the server reports it.
    public var promptTokens: Int?
    /// `usage.completion_tokens`, when the server reports it.
    public var completionTokens: Int?
    /// From sending the request to reading the whole answer, in milliseconds.
    public var latencyMilliseconds: Int

    public init(
        purpose: String, model: String, promptTokens: Int?, completionTokens: Int?, latencyMilliseconds: Int
    ) {
        self.purpose = purpose
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMilliseconds = latencyMilliseconds
    }

    private enum CodingKeys: String, CodingKey {
        case purpose, model
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case latencyMilliseconds = "latency_ms"
    }
}
