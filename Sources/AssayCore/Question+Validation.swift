extension Question {
    private static let maximumIDLength = 64

    // Checks the rules of one question; Assessment.validate() calls it for each.
    func validate() throws(ValidationError) {
        guard (1...Self.maximumIDLength).contains(id.count), id.allSatisfy(Self.isIDCharacter) else {
            throw .invalidAssessment(
                "question id '\(id)' must be 1 to \(Self.maximumIDLength) characters "
                    + "of A-Z, a-z, 0-9, '_' and '-'"
            )
        }
        guard !prompt.isBlank else {
            throw .invalidAssessment("question '\(id)' needs a prompt")
        }
        guard points.isFinite, points > 0 else {
            throw .invalidAssessment(
                "question '\(id)': points must be a number above 0, not \(NumberText.number(points))")
        }
        guard !skills.contains(where: \.isBlank) else {
            throw .invalidAssessment("question '\(id)' has an empty skill name")
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
            guard !accepted.contains(where: \.isBlank) else {
                throw .invalidAssessment("question '\(id)' (short_text) has an empty accepted answer")
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
        var seen: Set<String> = []
        for option in options {
            guard !option.id.isBlank else {
                throw .invalidAssessment("question '\(id)' has an option with an empty id")
            }
            guard seen.insert(option.id).inserted else {
                throw .invalidAssessment("question '\(id)' has option id '\(option.id)' more than once")
            }
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
                    "question '\(id)': correct option '\(optionID)' is not one of its options")
            }
            guard seen.insert(optionID).inserted else {
                throw .invalidAssessment("question '\(id)' lists correct option '\(optionID)' more than once")
            }
        }
    }

    private func validate(rubric: [RubricCriterion]) throws(ValidationError) {
        guard !rubric.isEmpty else {
            throw .invalidAssessment(
                "question '\(id)' (free_text) needs a rubric with at least one criterion")
        }
        var seen: Set<String> = []
        for criterion in rubric {
            guard !criterion.id.isBlank else {
                throw .invalidAssessment("question '\(id)' has a rubric criterion with an empty id")
            }
            guard seen.insert(criterion.id).inserted else {
                throw .invalidAssessment(
                    "question '\(id)' has rubric criterion '\(criterion.id)' more than once")
            }
            guard criterion.points.isFinite, criterion.points > 0 else {
                throw .invalidAssessment(
                    "criterion '\(criterion.id)' of question '\(id)': points must be a number above 0, "
                        + "not \(NumberText.number(criterion.points))")
            }
            guard !criterion.keywords.isEmpty else {
                throw .invalidAssessment(
                    "criterion '\(criterion.id)' of question '\(id)' needs at least one keyword")
            }
            guard !criterion.keywords.contains(where: \.isBlank) else {
                throw .invalidAssessment(
                    "criterion '\(criterion.id)' of question '\(id)' has an empty keyword")
            }
        }
        let rubricPoints = rubric.reduce(0) { $0 + $1.points }
        guard abs(rubricPoints - points) < 1e-6 else {
            throw .invalidAssessment(
                "question '\(id)': its rubric's points add up to \(NumberText.points(rubricPoints)), "
                    + "not the question's \(NumberText.number(points))")
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
