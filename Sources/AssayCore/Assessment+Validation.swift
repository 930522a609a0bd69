extension Assessment {
    /// Checks every rule of the assessment format and throws the first one broken.
    ///
    /// The id is a slug (`[a-z0-9-]`, 1 to 64), the title is not empty and holds no control
    /// character, `passing_percent` is within 0...100 and there are 1 to ``maximumQuestions``
    /// questions. Question ids are unique, 1 to 64 characters of `[A-Za-z0-9_-]`; each question has
    /// a prompt, points above 0 and the fields its kind needs (see ``QuestionBody``), with at most
    /// ``Question/maximumOptions`` options or ``Question/maximumRubricCriteria`` rubric criteria.
    /// A free-text rubric's points add up to the question's, and all the points together are at
    /// most ``maximumTotalPoints``. Ids, skills and the title hold no control character; prose
    /// (description, prompts, option texts, accepted answers, keywords) none but tab and line breaks.
    /// Every error has the code `invalid_assessment` and names the offending id, quoting at most
    /// ``QuotedInput/maximumLength`` characters of it.
    public func validate() throws(ValidationError) {
        guard AssessmentID.isValid(id) else {
            throw .invalidAssessment(
                "assessment id \(QuotedInput.quote(id)) must be 1 to \(AssessmentID.maximumLength) "
                    + "characters of a-z, 0-9 and '-'"
            )
        }
        guard !title.isBlank else {
            throw .invalidAssessment("assessment '\(id)' needs a title")
        }
        if let control = title.firstControlCharacter {
            throw .invalidAssessment(
                "assessment '\(id)': the title holds a control character (\(control.codePoint))")
        }
        if let control = description.firstControlCharacterInProse {
            throw .invalidAssessment(
                "assessment '\(id)': the description holds a control character (\(control.codePoint))")
        }
        guard (0...100).contains(passingPercent) else {
            throw .invalidAssessment(
                "assessment '\(id)': passing_percent must be from 0 to 100, "
                    + "not \(NumberText.number(passingPercent))"
            )
        }
        guard (1...Self.maximumQuestions).contains(questions.count) else {
            throw .invalidAssessment(
                questions.isEmpty
                    ? "assessment '\(id)' needs at least one question"
                    : "assessment '\(id)' has \(questions.count) questions; "
                        + "at most \(Self.maximumQuestions) are allowed"
            )
        }
        var seenQuestionIDs: Set<String> = []
        for question in questions {
            guard seenQuestionIDs.insert(question.id).inserted else {
                throw .invalidAssessment(
                    "question id \(QuotedInput.quote(question.id)) is used more than once "
                        + "in assessment '\(id)'"
                )
            }
            try question.validate()
        }
        guard maxPoints <= Self.maximumTotalPoints else {
            throw .invalidAssessment(
                "assessment '\(id)': the questions' points add up to more than "
                    + "\(NumberText.number(Self.maximumTotalPoints))"
            )
        }
    }

    /// Whether `id` is a well-formed assessment id: 1 to 64 characters of `a-z`, `0-9` and `-`.
    ///
    /// A route can answer 404 for any other id without asking the store.
    public static func isValidID(_ id: String) -> Bool {
        AssessmentID.isValid(id)
    }

    /// The most points an assessment may be worth in all, so that every total stays a finite number.
    public static let maximumTotalPoints: Double = 1_000_000

    /// The most questions an assessment may have, so that validating and scoring one stays cheap.
    public static let maximumQuestions = 500
}
