/// An assessment as a candidate sees it: the same JSON without the answers.
///
/// It leaves out `correct`, `answer`, `tolerance`, `accepted` and each rubric criterion's
/// `keywords`; criteria keep `id`, `description` and `points`, so candidates know what is asked.
///
/// ```swift
/// let body = try AssayJSON.encoder().encode(CandidateAssessmentView(assessment))
/// ```
public struct CandidateAssessmentView: Encodable, Sendable {
    private let assessment: Assessment

    public init(_ assessment: Assessment) {
        self.assessment = assessment
    }

    private enum AssessmentKeys: String, CodingKey {
        case id, title, description, questions
        case passingPercent = "passing_percent"
    }

    private enum QuestionKeys: String, CodingKey {
        case id, kind, prompt, points, skills, options, rubric
    }

    private enum CriterionKeys: String, CodingKey {
        case id, description, points
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AssessmentKeys.self)
        try container.encode(assessment.id, forKey: .id)
        try container.encode(assessment.title, forKey: .title)
        try container.encode(assessment.description, forKey: .description)
        try container.encode(assessment.passingPercent, forKey: .passingPercent)
        var questions = container.nestedUnkeyedContainer(forKey: .questions)
        for question in assessment.questions {
            try encode(question, into: questions.nestedContainer(keyedBy: QuestionKeys.self))
        }
    }

    private func encode(_ question: Question, into container: KeyedEncodingContainer<QuestionKeys>) throws {
        var container = container
        try container.encode(question.id, forKey: .id)
        try container.encode(question.body.kind, forKey: .kind)
        try container.encode(question.prompt, forKey: .prompt)
        try container.encode(question.points, forKey: .points)
        try container.encode(question.skills, forKey: .skills)
        switch question.body {
        case .singleChoice(let options, _), .multipleChoice(let options, _):
            try container.encode(options, forKey: .options)
        case .freeText(let rubric):
            var criteria = container.nestedUnkeyedContainer(forKey: .rubric)
            for criterion in rubric {
                var criterionContainer = criteria.nestedContainer(keyedBy: CriterionKeys.self)
                try criterionContainer.encode(criterion.id, forKey: .id)
                try criterionContainer.encode(criterion.description, forKey: .description)
                try criterionContainer.encode(criterion.points, forKey: .points)
            }
        case .numeric, .shortText:
            break
        }
    }
}
