import Foundation

/// Something that scores a submission's answers against its assessment: by rules, or by a model.
///
/// A scorer returns one ``QuestionScore`` per question of the assessment, in the assessment's
/// order; a question left unanswered scores 0.
public protocol Scorer: Sendable {
    /// The scorer's name, stored with each evaluation: `rubric` or `llm`.
    var name: String { get }

    /// Scores every question of the assessment for this submission.
    func score(_ content: SubmissionContent, for assessment: Assessment) async throws -> [QuestionScore]

    /// Scores a submission and wraps the scores, with totals and this scorer's name (and the model
    /// calls it made, for a scorer that makes any), in an ``Evaluation``.
    func evaluate(
        submissionID: String, content: SubmissionContent, for assessment: Assessment, at evaluatedAt: Date
    )
        async throws -> Evaluation
}

extension Scorer {
    /// Scores the submission with ``score(_:for:)``; no model calls to record.
    public func evaluate(
        submissionID: String,
        content: SubmissionContent,
        for assessment: Assessment,
        at evaluatedAt: Date
    ) async throws -> Evaluation {
        Evaluation(
            submissionID: submissionID,
            assessmentID: assessment.id,
            scorer: name,
            questions: try await score(content, for: assessment),
            evaluatedAt: evaluatedAt
        )
    }
}
