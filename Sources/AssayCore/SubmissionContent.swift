/// What a candidate submits: who they are and their answers.
///
/// ```json
/// {"candidate": {"name": "Ada Lovelace", "email": "ada@example.com"},
///  "answers": [{"question_id": "q1", "answer": "b"}, {"question_id": "q2", "answer": ["a", "c"]}]}
/// ```
public struct SubmissionContent: Codable, Sendable, Equatable {
    /// The longest name a candidate may give, in Unicode scalars.
    public static let maximumNameLength = 200
    /// The longest email address a candidate may give, in Unicode scalars.
    public static let maximumEmailLength = 320
    /// The longest text answer, in Unicode scalars (a letter with its combining marks counts as many).
    public static let maximumTextAnswerLength = 20_000

    /// Who submits.
    public var candidate: Candidate
    /// The answers, at most one per question; questions left out score 0.
    public var answers: [Answer]

    public init(candidate: Candidate, answers: [Answer]) {
        self.candidate = candidate
        self.answers = answers
    }

    /// The answer to the question with this id, if there is one.
    public func answer(to questionID: String) -> AnswerValue? {
        answers.first { $0.questionID == questionID }?.answer
    }

    /// Checks the submission against its assessment and throws the first rule broken.
    ///
    /// The candidate's name is not blank, at most 200 Unicode scalars and holds no control
    /// character; the email has one `@` with text on both sides, no white space or control
    /// character, and at most 320 scalars. Each answer is to a question of the assessment, at most
    /// one per question, of the type its kind expects (a string for `single_choice`, `short_text`
    /// and `free_text`, an array of distinct option ids for `multiple_choice`, a finite number for
    /// `numeric`), names only the question's options, and a text is at most 20 000 scalars with no
    /// control character but tab and line breaks (NUL among them: PostgreSQL cannot store it).
    /// Unanswered questions are fine. A message quotes at most ``QuotedInput/maximumLength``
    /// characters of what it refuses.
    public func validate(against assessment: Assessment) throws(ValidationError) {
        try validateCandidate()
        var answered: Set<String> = []
        for answer in answers {
            guard let question = assessment.question(withID: answer.questionID) else {
                throw ValidationError(
                    code: "unknown_question",
                    message:
                        "question \(QuotedInput.quote(answer.questionID)) is not in assessment '\(assessment.id)'"
                )
            }
            guard answered.insert(answer.questionID).inserted else {
                throw ValidationError(
                    code: "duplicate_answer",
                    message: "question '\(answer.questionID)' is answered more than once"
                )
            }
            try Self.validate(answer.answer, to: question)
        }
    }

    private func validateCandidate() throws(ValidationError) {
        let name = candidate.name.trimmed
        guard !name.isEmpty else {
            throw ValidationError(code: "invalid_candidate", message: "the candidate's name is empty")
        }
        guard name.unicodeScalars.count <= Self.maximumNameLength else {
            throw ValidationError(
                code: "invalid_candidate",
                message: "the candidate's name is longer than \(Self.maximumNameLength) characters"
            )
        }
        if let control = name.firstControlCharacter {
            throw ValidationError(
                code: "invalid_candidate",
                message: "the candidate's name holds a control character (\(control.codePoint))")
        }
        let email = candidate.email.trimmed
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !email.contains(where: \.isWhitespace),
            email.firstControlCharacter == nil
        else {
            throw ValidationError(
                code: "invalid_candidate",
                message:
                    "the candidate's email \(QuotedInput.quote(email)) is not an address like name@example.com"
            )
        }
        guard email.unicodeScalars.count <= Self.maximumEmailLength else {
            throw ValidationError(
                code: "invalid_candidate",
                message: "the candidate's email is longer than \(Self.maximumEmailLength) characters"
            )
        }
    }

    private static func validate(_ answer: AnswerValue, to question: Question) throws(ValidationError) {
        switch (question.body, answer) {
        case (.singleChoice(let options, _), .text(let optionID)):
            try validate(choices: [optionID], of: question, options: options)
        case (.multipleChoice(let options, _), .choices(let optionIDs)):
            var seen: Set<String> = []
            for optionID in optionIDs where !seen.insert(optionID).inserted {
                throw ValidationError(
                    code: "duplicate_answer",
                    message: "the answer to question '\(question.id)' picks option "
                        + "\(QuotedInput.quote(optionID)) more than once"
                )
            }
            try validate(choices: optionIDs, of: question, options: options)
        case (.numeric, .number(let number)):
            guard number.isFinite else {
                throw wrongType(of: question)
            }
        case (.shortText, .text(let text)), (.freeText, .text(let text)):
            guard text.unicodeScalars.count <= maximumTextAnswerLength else {
                throw ValidationError(
                    code: "answer_too_long",
                    message: "the answer to question '\(question.id)' is longer than "
                        + "\(maximumTextAnswerLength) characters"
                )
            }
            if let control = text.firstControlCharacterInProse {
                throw ValidationError(
                    code: "invalid_answer",
                    message: "the answer to question '\(question.id)' holds a control character "
                        + "(\(control.codePoint))"
                )
            }
        default:
            throw wrongType(of: question)
        }
    }

    private static func validate(
        choices optionIDs: [String],
        of question: Question,
        options: [ChoiceOption]
    ) throws(ValidationError) {
        for optionID in optionIDs where !options.contains(where: { $0.id == optionID }) {
            throw ValidationError(
                code: "unknown_option",
                message: "option \(QuotedInput.quote(optionID)) is not an option of question '\(question.id)'"
            )
        }
    }

    private static func wrongType(of question: Question) -> ValidationError {
        ValidationError(
            code: "wrong_answer_type",
            message: "question '\(question.id)' (\(question.body.kind)) expects "
                + AnswerValue.expectation(for: question.body)
        )
    }

    private enum CodingKeys: String, CodingKey {
        case candidate, answers
    }
}
