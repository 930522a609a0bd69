import AssayCore
import Foundation

/// A report as one self-contained, printable HTML5 page, rendered from the `report` template.
///
/// The page carries its own CSS (with print rules) and loads nothing, so the strict
/// Content-Security-Policy that forbids scripts suits it. Every string that comes from users
/// (names, titles, prompts, feedback, ids) is HTML-escaped.
///
/// ```swift
/// let html = ReportPage(report).render()
/// ```
struct ReportPage {
    let title: String
    let assessmentTitle: String
    let candidateName: String
    let candidateEmail: String
    let resultClass: String
    let totalPoints: String
    let maxPoints: String
    let percent: String
    let verdict: String
    let passingPercent: String
    let summary: String
    let hasQuestions: Bool
    let questions: [Question]
    let hasSkills: Bool
    let skills: [Skill]
    let lists: [ItemList]
    let submissionID: String
    let assessmentID: String
    let scorer: String
    /// ` with MODEL` after the scorer's name, or empty for the rubric scorer.
    let model: String
    let hasModelCalls: Bool
    let modelCalls: [Call]
    /// The calls' totals: tokens in and out, and latency.
    let modelCallTotals: Call?
    let generatedAt: String

    /// One model call made for the report: what for, its tokens and its latency.
    struct Call {
        let purpose: String
        let model: String
        let promptTokens: String
        let completionTokens: String
        let latency: String
    }

    /// One row of the questions table.
    struct Question {
        let questionID: String
        let prompt: String
        let points: String
        let maxPoints: String
        let feedback: String
    }

    /// One row of the skills table, with its bar's width as a percentage from 0 to 100.
    struct Skill {
        let skill: String
        let points: String
        let maxPoints: String
        let percent: String
        let barWidth: String
    }

    /// The strengths, or what to improve.
    struct ItemList {
        let heading: String
        let hasItems: Bool
        let items: [String]
    }

    init(_ report: Report) {
        let trim = { (text: String) in text.trimmingCharacters(in: .whitespacesAndNewlines) }
        title = "Report: \(trim(report.candidate.name)), \(trim(report.assessmentTitle))"
        assessmentTitle = report.assessmentTitle
        candidateName = report.candidate.name
        candidateEmail = report.candidate.email
        resultClass = report.passed ? "passed" : "failed"
        totalPoints = NumberText.points(report.totalPoints)
        maxPoints = NumberText.points(report.maxPoints)
        percent = NumberText.percent(report.percent)
        verdict = report.passed ? "Passed" : "Not passed"
        passingPercent = NumberText.points(report.passingPercent)
        summary = report.summary
        hasQuestions = !report.questions.isEmpty
        questions = report.questions.map {
            Question(
                questionID: $0.questionID, prompt: $0.prompt, points: NumberText.points($0.points),
                maxPoints: NumberText.points($0.maxPoints), feedback: $0.feedback)
        }
        hasSkills = !report.skills.isEmpty
        skills = report.skills.map {
            Skill(
                skill: $0.skill, points: NumberText.points($0.points),
                maxPoints: NumberText.points($0.maxPoints),
                percent: NumberText.percent($0.percent),
                barWidth: NumberText.percent(min(max($0.percent, 0), 100)))
        }
        lists = [
            ItemList(heading: "Strengths", hasItems: !report.strengths.isEmpty, items: report.strengths),
            ItemList(
                heading: "To improve", hasItems: !report.improvements.isEmpty, items: report.improvements),
        ]
        submissionID = report.submissionID
        assessmentID = report.assessmentID
        scorer = report.scorer
        model = report.model.map { " with \($0)" } ?? ""
        let calls = report.modelCalls ?? []
        hasModelCalls = !calls.isEmpty
        modelCalls = calls.map {
            Call(
                purpose: $0.purpose, model: $0.model, promptTokens: $0.promptTokens.map(String.init) ?? "–",
                completionTokens: $0.completionTokens.map(String.init) ?? "–",
                latency: "\($0.latencyMilliseconds) ms")
        }
        modelCallTotals =
            calls.isEmpty
            ? nil
            : Call(
                purpose: "\(calls.count) calls", model: "",
                promptTokens: String(calls.compactMap(\.promptTokens).reduce(0, +)),
                completionTokens: String(calls.compactMap(\.completionTokens).reduce(0, +)),
                latency: "\(calls.map(\.latencyMilliseconds).reduce(0, +)) ms")
        generatedAt = report.generatedAt.formatted(.iso8601)
    }

    /// The page's HTML.
    func render() -> String {
        DashboardTemplates.render(self, template: "report")
    }
}
