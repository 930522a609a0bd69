/// A rule that an assessment or a submission breaks, with a stable code and a message a person can act on.
///
/// The HTTP layer answers these with a 4xx status and `{"error": {"code", "message"}}`.
///
/// | code | meaning |
/// | --- | --- |
/// | `invalid_assessment` | the assessment breaks a rule of its format |
/// | `invalid_candidate` | the candidate's name or email is missing, too long or malformed |
/// | `unknown_question` | an answer names a question the assessment does not have |
/// | `duplicate_answer` | a question is answered twice, or an option is picked twice |
/// | `wrong_answer_type` | an answer's JSON type does not fit its question's kind |
/// | `unknown_option` | a choice answer names an option the question does not have |
/// | `answer_too_long` | a text answer is longer than ``SubmissionContent/maximumTextAnswerLength`` |
/// | `invalid_answer` | a text answer holds a control character other than tab and line breaks |
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable code such as `unknown_question`.
    public var code: String
    /// A sentence that names the offending id, such as "question 'q9' is not in assessment 'swift-basics'".
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func invalidAssessment(_ message: String) -> ValidationError {
        ValidationError(code: "invalid_assessment", message: message)
    }
}
