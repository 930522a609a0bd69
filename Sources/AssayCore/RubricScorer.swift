/// The scorer that scores by rules, without a model: exact choices, numbers within tolerance,
/// accepted texts and rubric keywords.
///
/// - `single_choice`: all or nothing.
/// - `multiple_choice`: `points × max(0, right picks − wrong picks) / number of correct options`.
/// - `numeric`: full points when `|given − answer| ≤ tolerance`.
/// - `short_text`: full points when equal to an accepted answer, ignoring case and surrounding white space.
/// - `free_text`: each rubric criterion's points when the answer contains any of its keywords as a
///   whole word or phrase, ignoring case.
///
/// Points are rounded to two decimals. An answer of the wrong type scores 0 rather than failing, so
/// a submission checked against an older version of its assessment can still be scored.
public struct RubricScorer: Scorer {
    private typealias Outcome = (points: Double, feedback: String)

    public var name: String { "rubric" }

    public init() {}

    public func score(_ content: SubmissionContent, for assessment: Assessment) -> [QuestionScore] {
        assessment.questions.map { scoreQuestion($0, answer: content.answer(to: $0.id)) }
    }

    /// Scores one question; `nil`, an empty text or an empty choice scores 0 as "Not answered."
    public func scoreQuestion(_ question: Question, answer: AnswerValue?) -> QuestionScore {
        let (points, feedback) = earned(question, answer: answer)
        return QuestionScore(
            questionID: question.id,
            points: min(max(points, 0), question.points).rounded(toPlaces: 2),
            maxPoints: question.points.rounded(toPlaces: 2),
            feedback: feedback
        )
    }

    private func earned(_ question: Question, answer: AnswerValue?) -> Outcome {
        guard let answer, !answer.isBlank else {
            return (0, "Not answered.")
        }
        switch (question.body, answer) {
        case (.singleChoice(_, let correct), .text(let chosen)):
            return chosen == correct
                ? (question.points, "Correct.")
                : (0, "Incorrect: chose \(chosen); the correct option is \(correct).")
        case (.multipleChoice(_, let correct), .choices(let chosen)):
            return scoreMultipleChoice(points: question.points, correct: correct, chosen: chosen)
        case (.numeric(let expected, let tolerance), .number(let given)):
            return scoreNumeric(
                points: question.points, expected: expected, tolerance: tolerance, given: given)
        case (.shortText(let accepted), .text(let text)):
            let given = text.trimmed.lowercased()
            return accepted.contains { $0.trimmed.lowercased() == given }
                ? (question.points, "Correct.")
                : (0, "Incorrect: expected \"\(accepted.first?.trimmed ?? "")\".")
        case (.freeText(let rubric), .text(let text)):
            return scoreFreeText(rubric: rubric, text: text)
        default:
            let expectation = AnswerValue.expectation(for: question.body)
            return (0, "Not scored: a \(question.body.kind) question expects \(expectation).")
        }
    }

    private func scoreMultipleChoice(points: Double, correct: [String], chosen: [String]) -> Outcome {
        let correctIDs = Set(correct)
        guard !correctIDs.isEmpty else {
            return (0, "Not scored: the question has no correct options.")
        }
        let chosenIDs = Set(chosen)
        let right = chosenIDs.intersection(correctIDs).count
        let wrong = chosenIDs.subtracting(correctIDs).count
        let earned = points * Double(max(0, right - wrong)) / Double(correctIDs.count)
        if right == correctIDs.count && wrong == 0 {
            return (earned, "Correct.")
        }
        let rightPart = "\(right) of \(correctIDs.count) correct options chosen"
        return (earned, wrong == 0 ? "\(rightPart)." : "\(rightPart), \(wrong) wrong.")
    }

    private func scoreNumeric(points: Double, expected: Double, tolerance: Double, given: Double) -> Outcome {
        let slack = 1e-9 * max(1, abs(expected))
        if abs(given - expected) <= tolerance + slack {
            return (points, "Correct.")
        }
        let givenText = NumberText.number(given)
        let expectedText = NumberText.number(expected)
        if tolerance == 0 {
            return (0, "Incorrect: \(givenText) is not \(expectedText).")
        }
        let toleranceText = NumberText.number(tolerance)
        return (0, "Incorrect: \(givenText) is not within \(toleranceText) of \(expectedText).")
    }

    private func scoreFreeText(rubric: [RubricCriterion], text: String) -> Outcome {
        let matcher = KeywordMatcher(text: text)
        var earned = 0.0
        var met: [String] = []
        var missed: [String] = []
        for criterion in rubric {
            if let keyword = matcher.firstMatch(in: criterion.keywords) {
                earned += criterion.points
                met.append("\(criterion.id) (uses \(keyword.trimmed))")
            } else {
                missed.append(criterion.id)
            }
        }
        let sentences = [
            met.isEmpty ? nil : "Met: \(met.joined(separator: ", ")).",
            missed.isEmpty ? nil : "Missed: \(missed.joined(separator: ", ")).",
        ]
        return (earned, sentences.compactMap { $0 }.joined(separator: " "))
    }
}
