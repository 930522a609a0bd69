import AssayCore
import Foundation

// The sample assessment and submission, with what the store would hold of them, and each measured
// operation as the server and the jobs run it.
struct Sample: Sendable {
    let assessment: Assessment
    let requestBody: Data
    let content: SubmissionContent
    let storedContent: Data
    let evaluation: Evaluation
    let storedEvaluation: Data
    let report: Report
    let storedReport: Data

    static let submissionID = "6f1c2a9e-3b7d-4e0a-9c51-2d8f4b7e1a03"
    static let date = Date(timeIntervalSince1970: 1_764_489_600.25)

    static func load() -> Sample {
        let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        do {
            let assessment = try AssayJSON.decoder().decode(
                Assessment.self, from: Data(contentsOf: root.appending(path: "Examples/swift-basics.json")))
            let body = try Data(contentsOf: root.appending(path: "Examples/submissions/swift-basics.json"))
            let content = try AssayJSON.decoder().decode(SubmissionContent.self, from: body)
            let evaluation = Evaluation(
                submissionID: submissionID, assessmentID: assessment.id, scorer: "rubric",
                questions: RubricScorer().score(content, for: assessment), evaluatedAt: date)
            let report = ReportBuilder.build(
                submissionID: submissionID, assessment: assessment, content: content, evaluation: evaluation,
                generatedAt: date)
            return Sample(
                assessment: assessment, requestBody: body, content: content,
                storedContent: try AssayJSON.encoder().encode(content), evaluation: evaluation,
                storedEvaluation: try AssayJSON.encoder().encode(evaluation), report: report,
                storedReport: try AssayJSON.encoder().encode(report))
        } catch {
            fatalError("the samples in Examples/ do not load: \(error)")
        }
    }

    func decodeContent() throws -> SubmissionContent {
        try AssayJSON.decode(SubmissionContent.self, from: storedContent)
    }

    func encodeContent() throws -> Data {
        try AssayJSON.encode(content)
    }

    func intake() throws -> Data {
        let content = try AssayJSON.decode(SubmissionContent.self, from: requestBody)
        try content.validate(against: assessment)
        return try AssayJSON.encode(content)
    }

    func encodeEvaluation() throws -> Data {
        try AssayJSON.encode(evaluation)
    }

    func decodeEvaluation() throws -> Evaluation {
        try AssayJSON.decode(Evaluation.self, from: storedEvaluation)
    }

    func encodeReport() throws -> Data {
        try AssayJSON.encode(report)
    }

    func decodeReport() throws -> Report {
        try AssayJSON.decoder().decode(Report.self, from: storedReport)
    }

    func score() -> [QuestionScore] {
        RubricScorer().score(content, for: assessment)
    }

    func scoringJob() throws -> Data {
        let content = try AssayJSON.decode(SubmissionContent.self, from: storedContent)
        let evaluation = Evaluation(
            submissionID: Self.submissionID, assessmentID: assessment.id, scorer: "rubric",
            questions: RubricScorer().score(content, for: assessment), evaluatedAt: Self.date)
        return try AssayJSON.encode(evaluation)
    }

    func reportJob() throws -> Data {
        let content = try AssayJSON.decode(SubmissionContent.self, from: storedContent)
        let evaluation = try AssayJSON.decode(Evaluation.self, from: storedEvaluation)
        let report = ReportBuilder.build(
            submissionID: Self.submissionID, assessment: assessment, content: content, evaluation: evaluation,
            generatedAt: Self.date)
        return try AssayJSON.encode(report)
    }
}
