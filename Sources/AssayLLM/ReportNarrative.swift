import Foundation

/// A report's words written by a model: a summary, strengths and areas to improve, checked.
///
/// The checks: a JSON object with a non-blank `summary` of at most 1 200 characters, and
/// `strengths` and `improvements` arrays of at most 5 non-blank items of at most 300 characters
/// each. Anything else the model adds is ignored.
public struct ReportNarrative: Sendable, Equatable {
    private struct Reply: Decodable {
        var summary: String?
        var strengths: [String]?
        var improvements: [String]?
    }

    /// The most characters of the summary.
    public static let maximumSummaryLength = 1_200
    /// The most items of each list.
    public static let maximumItems = 5
    /// The most characters of one item.
    public static let maximumItemLength = 300

    /// A paragraph on the result as a whole.
    public var summary: String
    /// What the candidate did well.
    public var strengths: [String]
    /// What the candidate should work on.
    public var improvements: [String]

    public init(summary: String, strengths: [String], improvements: [String]) {
        self.summary = summary
        self.strengths = strengths
        self.improvements = improvements
    }

    /// Checks the model's reply and throws ``LLMError/invalidAnswer(_:)`` naming every problem.
    public init(validating reply: String) throws(LLMError) {
        guard
            let decoded = try? JSONDecoder().decode(
                Reply.self, from: Data(GradingAnswer.unfenced(reply).utf8))
        else {
            throw .invalidAnswer("it is not a JSON object of the schema's shape")
        }
        var problems: [String] = []
        let summary = decoded.summary?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if summary.isEmpty {
            problems.append("\"summary\" is missing")
        } else if summary.count > Self.maximumSummaryLength {
            problems.append("\"summary\" is longer than \(Self.maximumSummaryLength) characters")
        }
        let strengths = Self.check(decoded.strengths, named: "strengths", into: &problems)
        let improvements = Self.check(decoded.improvements, named: "improvements", into: &problems)
        guard problems.isEmpty else {
            throw .invalidAnswer(problems.joined(separator: "; "))
        }
        self.init(summary: summary, strengths: strengths, improvements: improvements)
    }

    private static func check(_ items: [String]?, named name: String, into problems: inout [String])
        -> [String]
    {
        guard let items else {
            problems.append("\"\(name)\" is missing")
            return []
        }
        let trimmed = items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        if trimmed.count > maximumItems {
            problems.append("\"\(name)\" has more than \(maximumItems) items")
        }
        if trimmed.contains(where: \.isEmpty) {
            problems.append("\"\(name)\" has an empty item")
        }
        if trimmed.contains(where: { $0.count > maximumItemLength }) {
            problems.append("\"\(name)\" has an item longer than \(maximumItemLength) characters")
        }
        return trimmed
    }
}
