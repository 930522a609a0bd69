/// A candidate's answer to one question of an assessment.
public struct Answer: Codable, Sendable, Equatable {
    /// The id of the question answered.
    public var questionID: String
    /// The answer given.
    public var answer: AnswerValue

    public init(questionID: String, answer: AnswerValue) {
        self.questionID = questionID
        self.answer = answer
    }

    private enum CodingKeys: String, CodingKey {
        case questionID = "question_id"
        case answer
    }
}
