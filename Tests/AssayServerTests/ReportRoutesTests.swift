import AssayCore
import AssayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct ReportRoutesTests {
    @Test func reportIsNotReadyBeforeTheWorkerRan() async throws {
        try await AssayFixture.current().withApp { client in
            let submissionID = try await client.submitAccepted()
            let response = try await client.admin(.get, "/api/admin/submissions/\(submissionID)/report")
            try expectError(response, status: .notFound, code: "report_not_ready")
        }
    }

    @Test func reportOfAnUnknownSubmissionIs404() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/submissions/no-such-submission/report")
            try expectError(response, status: .notFound, code: "not_found")
        }
    }

    @Test func reportIsJSONOnceTheWorkerRan() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionID = try await client.submitAccepted(SampleSubmissions.perfect)
            try await client.waitUntilCompleted(submissionID)
            let response = try await client.admin(.get, "/api/admin/submissions/\(submissionID)/report")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let keys = Set(try response.jsonObject().keys)
            #expect(
                keys.isSuperset(of: [
                    "submission_id", "assessment_id", "candidate", "total_points", "max_points", "percent",
                    "passed",
                    "questions", "skills", "strengths", "improvements", "summary", "scorer", "generated_at",
                ]))

            let report = try response.decoded(as: Report.self)
            #expect(report.submissionID == submissionID)
            #expect(report.assessmentID == "swift-basics")
            #expect(report.candidate == SampleSubmissions.ada)
            #expect(report.totalPoints == 11)
            #expect(report.maxPoints == 11)
            #expect(report.percent == 100)
            #expect(report.passed)
            #expect(report.questions.map(\.questionID) == ["q1", "q2", "q3", "q4", "q5", "q6"])
            #expect(report.questions.allSatisfy { !$0.feedback.isEmpty })
            #expect(report.skills.map(\.skill) == ["concurrency", "swift", "types"])
            #expect(report.skills.allSatisfy { $0.percent == 100 })
            #expect(!report.summary.isEmpty)
            #expect(report.scorer == "rubric")
        }
    }

    @Test func reportAsHTMLEscapesTheCandidatesName() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let candidate = Candidate(name: "<b>Ada</b>", email: "ada@example.com")
            let submissionID = try await client.submitAccepted(
                SubmissionContent(candidate: candidate, answers: SampleSubmissions.perfectAnswers))
            try await client.waitUntilCompleted(submissionID)
            let response = try await client.admin(
                .get, "/api/admin/submissions/\(submissionID)/report?format=html")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(response.text.contains("&lt;b&gt;Ada&lt;/b&gt;"))
            #expect(!response.text.contains("<b>Ada</b>"))
            #expect(response.text.contains(submissionID))
        }
    }

    @Test func reportAsExplicitJSONIsTheSameReport() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionID = try await client.submitAccepted()
            let report = try await client.report(of: submissionID)
            let response = try await client.admin(
                .get, "/api/admin/submissions/\(submissionID)/report?format=json")
            #expect(response.status == .ok)
            #expect(try response.decoded(as: Report.self) == report)
        }
    }

    @Test(arguments: ["xml", "pdf", ""])
    func reportInAnUnknownFormatIs400(format: String) async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionID = try await client.submitAccepted()
            try await client.waitUntilCompleted(submissionID)
            let response = try await client.admin(
                .get, "/api/admin/submissions/\(submissionID)/report?format=\(format)")
            try expectError(response, status: .badRequest, code: "invalid_query")
        }
    }
}
