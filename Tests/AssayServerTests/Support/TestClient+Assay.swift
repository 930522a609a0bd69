import AssayCore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

extension HTTPField.Name {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}

extension TestClientProtocol {
    /// Posts `content` as a candidate's submission.
    func submit(
        _ content: SubmissionContent, to assessmentID: String = AssayFixture.sampleAssessmentID,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        let body = String(decoding: try AssayJSON.encoder().encode(content), as: UTF8.self)
        return try await submit(json: body, to: assessmentID, headers: headers)
    }

    /// Posts `json` as a candidate's submission, declared as `contentType` (none when `nil`).
    func submit(
        json: String, to assessmentID: String = AssayFixture.sampleAssessmentID,
        contentType: String? = "application/json", headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = contentType
        return try await execute(
            uri: "/api/candidate/assessment/\(assessmentID)/submit", method: .post, headers: headers,
            body: ByteBuffer(string: json))
    }

    /// Posts `content`, expects it accepted, and returns the new submission's id.
    func submitAccepted(
        _ content: SubmissionContent = SampleSubmissions.perfect,
        to assessmentID: String = AssayFixture.sampleAssessmentID,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let response = try await submit(content, to: assessmentID)
        try #require(response.status == .ok, "body: \(response.text)", sourceLocation: sourceLocation)
        return try response.decoded(as: SubmitBody.self).submissionID
    }

    /// Sends an admin request with the right bearer token.
    func admin(
        _ method: HTTPRequest.Method = .get, _ uri: String, json: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(AssayFixture.adminToken)"]
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// Posts a new assessment as an admin and expects it created.
    func createAssessment(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let response = try await admin(.post, "/api/admin/assessments", json: json)
        try #require(response.status == .created, "body: \(response.text)", sourceLocation: sourceLocation)
    }

    func queueStatus(sourceLocation: SourceLocation = #_sourceLocation) async throws -> QueueStatusBody {
        let response = try await admin(.get, "/api/admin/queue/status")
        try #require(response.status == .ok, "body: \(response.text)", sourceLocation: sourceLocation)
        return try response.decoded(as: QueueStatusBody.self)
    }

    func submissionStatus(of submissionID: String) async throws -> String {
        try await execute(uri: "/api/candidate/submissions/\(submissionID)", method: .get) { response in
            try response.decoded(as: SubmissionStatusBody.self).status
        }
    }

    /// Polls the candidate's status endpoint until every submission is `completed`, for at most 30 s
    /// each (it takes milliseconds; the bound leaves room for a machine loaded by parallel suites).
    func waitUntilCompleted(_ submissionIDs: String..., sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        for submissionID in submissionIDs {
            let completed = try await eventually(timeout: .seconds(30)) {
                try await submissionStatus(of: submissionID) == "completed"
            }
            try #require(
                completed, "submission \(submissionID) not completed in time", sourceLocation: sourceLocation)
        }
    }

    /// Waits for the worker to finish the submission, then returns its JSON report.
    func report(of submissionID: String, sourceLocation: SourceLocation = #_sourceLocation) async throws
        -> Report
    {
        try await waitUntilCompleted(submissionID, sourceLocation: sourceLocation)
        let response = try await admin(.get, "/api/admin/submissions/\(submissionID)/report")
        try #require(response.status == .ok, "body: \(response.text)", sourceLocation: sourceLocation)
        return try response.decoded(as: Report.self)
    }
}
