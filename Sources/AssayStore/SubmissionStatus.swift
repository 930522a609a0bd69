/// How far a submission has come on its way to a report.
///
/// It is derived from what exists (a report, an evaluation, the jobs of the submission), never
/// stored, so it cannot drift from the truth.
public enum SubmissionStatus: String, Codable, Sendable, CaseIterable {
    case queued
    case scoring
    case reporting
    case completed
    case failed
}
