import AssayCore

/// A submission scored by ``LLMScorer``: the scores, and every model call it made with its cost.
public struct LLMScoring: Sendable, Equatable {
    /// One score per question, in the assessment's order.
    public var questions: [QuestionScore]
    /// The model calls, in the order they were made: grades and repairs.
    public var calls: [ModelCall]

    public init(questions: [QuestionScore], calls: [ModelCall]) {
        self.questions = questions
        self.calls = calls
    }
}
