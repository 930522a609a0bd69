extension Assessment {
    /// Checks every rule of the assessment format and throws the first one broken.
    ///
    /// The id is a slug (`[a-z0-9-]`, 1 to 64), the title is not empty, `passing_percent` is
    /// within 0...100 and there is at least one question. Question ids are unique, 1 to 64
    /// characters of `[A-Za-z0-9_-]`; each question has a prompt, points above 0 and the fields
    /// its kind needs (see ``QuestionBody``). A free-text rubric's points add up to the question's,
    /// and all the points together are at most ``maximumTotalPoints``.
    /// Every error has the code `invalid_assessment` and names the offending id.
    public func validate() throws(ValidationError) {
        guard AssessmentID.isValid(id) else {
            throw .invalidAssessment(
                "assessment id '\(id)' must be 1 to \(AssessmentID.maximumLength) characters "
                    + "of a-z, 0-9 and '-'"
            )
        }
        guard !title.isBlank else {
            throw .invalidAssessment("assessment '\(id)' needs a title")
        }
        guard (0...100).contains(passingPercent) else {
            throw .invalidAssessment(
                "assessment '\(id)': passing_percent must be from 0 to 100, "
                    + "not \(NumberText.number(passingPercent))"
            )
        }
        guard !questions.isEmpty else {
            throw .invalidAssessment("assessment '\(id)' needs at least one question")
        }
        var seenQuestionIDs: Set<String> = []
        for question in questions {
            guard seenQuestionIDs.insert(question.id).inserted else {
                throw .invalidAssessment(
                    "question id '\(question.id)' is used more than once in assessment '\(id)'")
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

    /// The most points an assessment may be worth in all, so that every total stays a finite number.
    public static let maximumTotalPoints: Double = 1_000_000
}
