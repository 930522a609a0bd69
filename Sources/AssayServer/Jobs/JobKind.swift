/// The kinds of job Assay enqueues.
enum JobKind {
    static let scoreSubmission = "score-submission"
    static let buildReport = "build-report"
}
