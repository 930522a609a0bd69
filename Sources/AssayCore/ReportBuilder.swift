import Foundation

/// Builds the report on a scored submission from its assessment, its answers and its evaluation.
///
/// Totals come from the evaluation. `percent` is rounded to one decimal and the candidate passes
/// when it reaches the assessment's `passing_percent`. Skills are summed over the questions that
/// list them; a question without skills counts toward none. Strengths are the skills at 80% or
/// more (or, in an assessment without skills, the questions with full marks); improvements are the
/// skills under 50% and the questions left unanswered or earning nothing.
///
/// ```swift
/// let report = ReportBuilder.build(
///     submissionID: id, assessment: assessment, content: content, evaluation: evaluation, generatedAt: .now)
/// ```
public enum ReportBuilder {
    /// The skill percentage from which a skill counts as a strength.
    public static let strengthPercent = 80.0
    /// The skill percentage under which a skill counts as needing improvement.
    public static let improvementPercent = 50.0

    private static let promptExcerptLength = 60

    /// Builds the report; it does not change any of its inputs.
    public static func build(
        submissionID: String,
        assessment: Assessment,
        content: SubmissionContent,
        evaluation: Evaluation,
        generatedAt: Date
    ) -> Report {
        let percent = percentage(evaluation.totalPoints, of: evaluation.maxPoints)
        let passed = percent >= assessment.passingPercent
        let questions = evaluation.questions.map { score in
            ReportQuestion(
                questionID: score.questionID,
                prompt: assessment.question(withID: score.questionID)?.prompt ?? "",
                points: score.points,
                maxPoints: score.maxPoints,
                feedback: score.feedback
            )
        }
        let skills = skillScores(of: evaluation, in: assessment)
        return Report(
            submissionID: submissionID,
            assessmentID: assessment.id,
            assessmentTitle: assessment.title,
            candidate: content.candidate,
            totalPoints: evaluation.totalPoints,
            maxPoints: evaluation.maxPoints,
            percent: percent,
            passingPercent: assessment.passingPercent,
            passed: passed,
            questions: questions,
            skills: skills,
            strengths: strengths(skills: skills, questions: questions),
            improvements: improvements(skills: skills, questions: questions, content: content),
            summary: summary(
                candidate: content.candidate,
                assessment: assessment,
                evaluation: evaluation,
                percent: percent,
                passed: passed,
                skills: skills
            ),
            scorer: evaluation.scorer,
            model: evaluation.modelCalls?.last?.model,
            modelCalls: evaluation.modelCalls,
            generatedAt: generatedAt
        )
    }

    private static func percentage(_ points: Double, of maxPoints: Double) -> Double {
        guard maxPoints > 0 else {
            return 0
        }
        return (points / maxPoints * 100).rounded(toPlaces: 1)
    }

    private static func skillScores(of evaluation: Evaluation, in assessment: Assessment) -> [SkillScore] {
        var totals: [String: (points: Double, maxPoints: Double)] = [:]
        for score in evaluation.questions {
            let skills = Set(assessment.question(withID: score.questionID)?.skills ?? [])
            for skill in skills {
                let total = totals[skill, default: (0, 0)]
                totals[skill] = (total.points + score.points, total.maxPoints + score.maxPoints)
            }
        }
        return totals.keys.sorted().map { skill in
            let total = totals[skill]!
            return SkillScore(
                skill: skill,
                points: total.points.rounded(toPlaces: 2),
                maxPoints: total.maxPoints.rounded(toPlaces: 2),
                percent: percentage(total.points, of: total.maxPoints)
            )
        }
    }

    private static func strengths(skills: [SkillScore], questions: [ReportQuestion]) -> [String] {
        if skills.isEmpty {
            return questions.filter { $0.maxPoints > 0 && $0.points >= $0.maxPoints }.map {
                "Full marks on question \(describe($0))."
            }
        }
        return skills.filter { $0.percent >= strengthPercent }.map {
            "Strong in \($0.skill): \(describe($0))."
        }
    }

    private static func improvements(
        skills: [SkillScore],
        questions: [ReportQuestion],
        content: SubmissionContent
    ) -> [String] {
        let weakSkills = skills.filter { $0.percent < improvementPercent }.map {
            "Needs work on \($0.skill): \(describe($0))."
        }
        let missedQuestions = questions.compactMap { question -> String? in
            if content.answer(to: question.questionID)?.isBlank ?? true {
                return "Question \(describe(question)) was not answered."
            }
            if question.points <= 0 {
                return "Question \(describe(question)) earned no points."
            }
            return nil
        }
        return weakSkills + missedQuestions
    }

    private static func summary(
        candidate: Candidate,
        assessment: Assessment,
        evaluation: Evaluation,
        percent: Double,
        passed: Bool,
        skills: [SkillScore]
    ) -> String {
        let outcome = passed ? "passed" : "did not pass"
        var summary =
            "\(candidate.name.trimmed) scored \(NumberText.points(evaluation.totalPoints)) of "
            + "\(NumberText.points(evaluation.maxPoints)) points (\(NumberText.percent(percent))%) on "
            + "\(assessment.title.trimmed) and \(outcome) "
            + "(\(NumberText.points(assessment.passingPercent))% needed)."
        if let strongest = skills.max(by: { $0.percent < $1.percent }),
            let weakest = skills.min(by: { $0.percent < $1.percent }),
            strongest.percent > weakest.percent
        {
            summary +=
                " Strongest in \(strongest.skill) (\(NumberText.percent(strongest.percent))%), "
                + "weakest in \(weakest.skill) (\(NumberText.percent(weakest.percent))%)."
        }
        return summary
    }

    private static func describe(_ skill: SkillScore) -> String {
        "\(NumberText.points(skill.points)) of \(NumberText.points(skill.maxPoints)) points "
            + "(\(NumberText.percent(skill.percent))%)"
    }

    private static func describe(_ question: ReportQuestion) -> String {
        let firstLine = question.prompt.trimmed.prefix { !$0.isNewline }
        guard !firstLine.isEmpty else {
            return question.questionID
        }
        let excerpt =
            firstLine.count > promptExcerptLength
            ? "\(String(firstLine.prefix(promptExcerptLength - 1)).trimmed)…" : String(firstLine)
        return "\(question.questionID) (“\(excerpt)”)"
    }
}
