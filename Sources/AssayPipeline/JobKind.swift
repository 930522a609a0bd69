/// The kinds of job Assay enqueues.
public enum JobKind {
    public static let scoreSubmission = "score-submission"
    public static let buildReport = "build-report"
}
