import Foundation

/// The report on one scored submission, for admins: totals, pass or fail, per-question and
/// per-skill scores, strengths, what to improve, and a summary.
///
/// ``ReportBuilder`` builds it; the server renders it as a printable page from its `report` template.
public struct Report: Codable, Sendable, Equatable {
    /// The id of the submission reported on.
    public var submissionID: String
    /// The id of the assessment taken.
    public var assessmentID: String
    /// The title of the assessment taken.
    public var assessmentTitle: String
    /// Who took it.
    public var candidate: Candidate
    /// The points earned, rounded to two decimals.
    public var totalPoints: Double
    /// The points available, rounded to two decimals.
    public var maxPoints: Double
    /// `totalPoints` as a percentage of `maxPoints`, from 0 to 100 with one decimal.
    public var percent: Double
    /// The percentage the assessment requires to pass.
    public var passingPercent: Double
    /// Whether `percent` reaches `passingPercent`.
    public var passed: Bool
    /// One line per question, in the assessment's order.
    public var questions: [ReportQuestion]
    /// One line per skill the questions measure, sorted by skill name.
    public var skills: [SkillScore]
    /// Sentences on what the candidate did well.
    public var strengths: [String]
    /// Sentences on what the candidate should work on.
    public var improvements: [String]
    /// One or two sentences: who scored what, and whether they passed.
    public var summary: String
    /// The name of the scorer that scored the submission.
    public var scorer: String
    /// The model that scored the submission and wrote these words; `nil` for the rubric scorer.
    public var model: String?
    /// Every model call made for this report, scoring and writing, with its tokens and latency;
    /// `nil` for the rubric scorer.
    public var modelCalls: [ModelCall]?
    /// When the report was built.
    public var generatedAt: Date

    public init(
        submissionID: String,
        assessmentID: String,
        assessmentTitle: String,
        candidate: Candidate,
        totalPoints: Double,
        maxPoints: Double,
        percent: Double,
        passingPercent: Double,
        passed: Bool,
        questions: [ReportQuestion],
        skills: [SkillScore],
        strengths: [String],
        improvements: [String],
        summary: String,
        scorer: String,
        model: String? = nil,
        modelCalls: [ModelCall]? = nil,
        generatedAt: Date
    ) {
        self.submissionID = submissionID
        self.assessmentID = assessmentID
        self.assessmentTitle = assessmentTitle
        self.candidate = candidate
        self.totalPoints = totalPoints
        self.maxPoints = maxPoints
        self.percent = percent
        self.passingPercent = passingPercent
        self.passed = passed
        self.questions = questions
        self.skills = skills
        self.strengths = strengths
        self.improvements = improvements
        self.summary = summary
        self.scorer = scorer
        self.model = model
        self.modelCalls = modelCalls
        self.generatedAt = generatedAt
    }

    private enum CodingKeys: String, CodingKey {
        case submissionID = "submission_id"
        case assessmentID = "assessment_id"
        case assessmentTitle = "assessment_title"
        case candidate
        case totalPoints = "total_points"
        case maxPoints = "max_points"
        case percent
        case passingPercent = "passing_percent"
        case passed, questions, skills, strengths, improvements, summary, scorer, model
        case modelCalls = "model_calls"
        case generatedAt = "generated_at"
    }
}
