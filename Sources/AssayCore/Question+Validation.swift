extension Question {
    private static let maximumIDLength = 64

    /// The most options a choice question may have.
    public static let maximumOptions = 50

    /// The most criteria a free-text question's rubric may have.
    public static let maximumRubricCriteria = 50

    // Checks the rules of one question; Assessment.validate() calls it for each.
    func validate() throws(ValidationError) {
        guard (1...Self.maximumIDLength).contains(id.count), id.allSatisfy(Self.isIDCharacter) else {
            throw .invalidAssessment(
                "question id \(QuotedInput.quote(id)) must be 1 to \(Self.maximumIDLength) characters "
                    + "of A-Z, a-z, 0-9, '_' and '-'"
            )
        }
        guard !prompt.isBlank else {
            throw .invalidAssessment("question '\(id)' needs a prompt")
        }
        try validateProse(prompt, "the prompt")
        guard points.isFinite, points > 0 else {
            throw .invalidAssessment(
                "question '\(id)': points must be a number above 0, not \(NumberText.number(points))")
        }
        for skill in skills {
            guard !skill.isBlank else {
                throw .invalidAssessment("question '\(id)' has an empty skill name")
            }
            try validateName(skill, "skill")
        }
        switch body {
        case .singleChoice(let options, let correct):
            try validate(options: options)
            try validate(correctOptions: [correct], among: options)
        case .multipleChoice(let options, let correct):
            try validate(options: options)
            guard !correct.isEmpty else {
                throw .invalidAssessment(
                    "question '\(id)' (multiple_choice) needs at least one correct option")
            }
            try validate(correctOptions: correct, among: options)
        case .numeric(let answer, let tolerance):
            guard answer.isFinite else {
                throw .invalidAssessment("question '\(id)' (numeric): answer must be a finite number")
            }
            guard tolerance.isFinite, tolerance >= 0 else {
                throw .invalidAssessment(
                    "question '\(id)' (numeric): tolerance must be 0 or more, "
                        + "not \(NumberText.number(tolerance))"
                )
            }
        case .shortText(let accepted):
            guard !accepted.isEmpty else {
                throw .invalidAssessment("question '\(id)' (short_text) needs at least one accepted answer")
            }
            for answer in accepted {
                guard !answer.isBlank else {
                    throw .invalidAssessment("question '\(id)' (short_text) has an empty accepted answer")
                }
                try validateProse(answer, "an accepted answer")
            }
        case .freeText(let rubric):
            try validate(rubric: rubric)
        }
    }

    private func validate(options: [ChoiceOption]) throws(ValidationError) {
        guard options.count >= 2 else {
            throw .invalidAssessment(
                "question '\(id)' (\(body.kind)) needs at least 2 options, not \(options.count)")
        }
        guard options.count <= Self.maximumOptions else {
            throw .invalidAssessment(
                "question '\(id)' (\(body.kind)) has \(options.count) options; "
                    + "at most \(Self.maximumOptions) are allowed")
        }
        var seen: Set<String> = []
        for option in options {
            guard !option.id.isBlank else {
                throw .invalidAssessment("question '\(id)' has an option with an empty id")
            }
            try validateName(option.id, "option id")
            guard seen.insert(option.id).inserted else {
                throw .invalidAssessment(
                    "question '\(id)' has option id \(QuotedInput.quote(option.id)) more than once")
            }
            try validateProse(option.text, "the text of option \(QuotedInput.quote(option.id))")
        }
    }

    private func validate(correctOptions correct: [String], among options: [ChoiceOption])
        throws(ValidationError)
    {
        let optionIDs = Set(options.map(\.id))
        var seen: Set<String> = []
        for optionID in correct {
            guard optionIDs.contains(optionID) else {
                throw .invalidAssessment(
                    "question '\(id)': correct option \(QuotedInput.quote(optionID)) "
                        + "is not one of its options"
                )
            }
            guard seen.insert(optionID).inserted else {
                throw .invalidAssessment(
                    "question '\(id)' lists correct option \(QuotedInput.quote(optionID)) more than once")
            }
        }
    }

    private func validate(rubric: [RubricCriterion]) throws(ValidationError) {
        guard !rubric.isEmpty else {
            throw .invalidAssessment(
                "question '\(id)' (free_text) needs a rubric with at least one criterion")
        }
        guard rubric.count <= Self.maximumRubricCriteria else {
            throw .invalidAssessment(
                "question '\(id)' (free_text) has \(rubric.count) rubric criteria; "
                    + "at most \(Self.maximumRubricCriteria) are allowed")
        }
        var seen: Set<String> = []
        for criterion in rubric {
            guard !criterion.id.isBlank else {
                throw .invalidAssessment("question '\(id)' has a rubric criterion with an empty id")
            }
            try validateName(criterion.id, "rubric criterion id")
            guard seen.insert(criterion.id).inserted else {
                throw .invalidAssessment(
                    "question '\(id)' has rubric criterion \(QuotedInput.quote(criterion.id)) more than once")
            }
            try validateProse(
                criterion.description, "the description of criterion \(QuotedInput.quote(criterion.id))")
            guard criterion.points.isFinite, criterion.points > 0 else {
                throw .invalidAssessment(
                    "criterion \(QuotedInput.quote(criterion.id)) of question '\(id)': "
                        + "points must be a number above 0, "
                        + "not \(NumberText.number(criterion.points))")
            }
            guard !criterion.keywords.isEmpty else {
                throw .invalidAssessment(
                    "criterion \(QuotedInput.quote(criterion.id)) of question '\(id)' "
                        + "needs at least one keyword"
                )
            }
            for keyword in criterion.keywords {
                guard !keyword.isBlank else {
                    throw .invalidAssessment(
                        "criterion \(QuotedInput.quote(criterion.id)) of question '\(id)' "
                            + "has an empty keyword"
                    )
                }
                try validateProse(keyword, "a keyword of criterion \(QuotedInput.quote(criterion.id))")
            }
        }
        let rubricPoints = rubric.reduce(0) { $0 + $1.points }
        guard abs(rubricPoints - points) < 1e-6 else {
            throw .invalidAssessment(
                "question '\(id)': its rubric's points add up to \(NumberText.points(rubricPoints)), "
                    + "not the question's \(NumberText.number(points))")
        }
    }

    // An id or a name: no control character at all.
    private func validateName(_ name: String, _ what: String) throws(ValidationError) {
        if let control = name.firstControlCharacter {
            throw .invalidAssessment(
                "question '\(id)': \(what) \(QuotedInput.quote(name)) holds a control character "
                    + "(\(control.codePoint))")
        }
    }

    // Prose: tab and line breaks, but no other control character.
    private func validateProse(_ text: String, _ what: String) throws(ValidationError) {
        if let control = text.firstControlCharacterInProse {
            throw .invalidAssessment(
                "question '\(id)': \(what) holds a control character (\(control.codePoint))")
        }
    }

    private static func isIDCharacter(_ character: Character) -> Bool {
        guard let byte = character.asciiValue else {
            return false
        }
        return (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}
