import AssayCore
import Foundation

/// A model's grading of one answer, checked against the rubric: every criterion once, each within
/// its points, each with a reason, and overall feedback.
///
/// ``points`` is the sum of the checked criterion points: a total the model states on its own,
/// or any other field it adds, is ignored.
///
/// ```swift
/// let grading = try GradingAnswer(validating: completion.content, rubric: rubric)
/// grading.points  // 3.5
/// ```
public struct GradingAnswer: Sendable, Equatable {
    private struct Reply: Decodable {
        struct Grade: Decodable {
            var id: String?
            var points: Double?
            var reason: String?
        }
        var criteria: [Grade]?
        var feedback: String?
    }

    /// The criteria's grades, in the rubric's order.
    public var criteria: [CriterionGrade]
    /// The model's overall feedback.
    public var feedback: String

    /// The points earned: the sum of the criteria's points, rounded to two decimals.
    public var points: Double {
        criteria.reduce(0) { $0 + $1.points }.roundedPoints
    }

    /// Checks the model's reply and throws ``LLMError/invalidAnswer(_:)`` naming every problem.
    ///
    /// The reply may be wrapped in a Markdown code fence, as small models often do.
    public init(validating reply: String, rubric: [RubricCriterion]) throws(LLMError) {
        guard let decoded = try? JSONDecoder().decode(Reply.self, from: Data(Self.unfenced(reply).utf8))
        else {
            throw .invalidAnswer("it is not a JSON object of the schema's shape")
        }
        guard let grades = decoded.criteria else {
            throw .invalidAnswer("\"criteria\" is missing")
        }
        var problems: [String] = []
        var graded: [String: CriterionGrade] = [:]
        for grade in grades {
            guard let id = grade.id else {
                problems.append("a criterion has no \"id\"")
                continue
            }
            guard let criterion = rubric.first(where: { $0.id == id }) else {
                problems.append("criterion \(QuotedInput.quote(id)) is not in the rubric")
                continue
            }
            guard graded[id] == nil else {
                problems.append("criterion \(QuotedInput.quote(id)) appears more than once")
                continue
            }
            guard let points = grade.points, points.isFinite else {
                problems.append("criterion \(QuotedInput.quote(id)) has no number of \"points\"")
                continue
            }
            guard points >= 0, points <= criterion.points else {
                problems.append(
                    "criterion \(QuotedInput.quote(id)) awards \(points.pointsText) points, outside 0 to "
                        + criterion.points.pointsText)
                continue
            }
            guard let reason = grade.reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty
            else {
                problems.append("criterion \(QuotedInput.quote(id)) has no \"reason\"")
                continue
            }
            graded[id] = CriterionGrade(
                criterionID: id, points: points, maxPoints: criterion.points, reason: reason)
        }
        let missing = rubric.filter { criterion in
            graded[criterion.id] == nil && !grades.contains { $0.id == criterion.id }
        }
        for criterion in missing {
            problems.append("criterion \(QuotedInput.quote(criterion.id)) is missing")
        }
        let feedback = decoded.feedback?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if feedback.isEmpty {
            problems.append("\"feedback\" is missing")
        }
        guard problems.isEmpty else {
            throw .invalidAnswer(problems.joined(separator: "; "))
        }
        criteria = rubric.compactMap { graded[$0.id] }
        self.feedback = feedback
    }

    /// The reply without a surrounding Markdown code fence.
    static func unfenced(_ reply: String) -> String {
        var text = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("```"), text.hasSuffix("```"), text.count >= 6 else {
            return text
        }
        text = String(text.dropFirst(3).dropLast(3))
        if let newline = text.firstIndex(of: "\n") {
            text = String(text[text.index(after: newline)...])
        }
        return text
    }
}
