import AssayCore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct AdminSubmissionRoutesTests {
    private typealias Page = PageBody<SubmissionBody>

    @Test func listingFiltersByAssessment() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.createAssessment(SampleSubmissions.assessmentJSON(id: "other-test"))
            let basics = [try await client.submitAccepted(), try await client.submitAccepted()]
            let other = try await client.submitAccepted(SampleSubmissions.empty, to: "other-test")

            let basicsPage = try await client.admin(.get, "/api/admin/submissions?assessment_id=swift-basics")
                .decoded(as: Page.self)
            #expect(basicsPage.total == 2)
            #expect(Set(basicsPage.items.map(\.submissionID)) == Set(basics))
            #expect(basicsPage.items.allSatisfy { $0.assessmentID == "swift-basics" })

            let otherPage = try await client.admin(.get, "/api/admin/submissions?assessment_id=other-test")
                .decoded(as: Page.self)
            #expect(otherPage.total == 1)
            #expect(otherPage.items.map(\.submissionID) == [other])

            let nonePage = try await client.admin(.get, "/api/admin/submissions?assessment_id=no-such-test")
                .decoded(as: Page.self)
            #expect(nonePage.total == 0)
            #expect(nonePage.items.isEmpty)

            let allPage = try await client.admin(.get, "/api/admin/submissions").decoded(as: Page.self)
            #expect(allPage.total == 3)
        }
    }

    @Test func listingFiltersByStatusBeforeScoring() async throws {
        try await AssayFixture.current().withApp { client in
            _ = try await client.submitAccepted()
            _ = try await client.submitAccepted()
            let queued = try await client.admin(.get, "/api/admin/submissions?status=queued").decoded(
                as: Page.self)
            #expect(queued.total == 2)
            #expect(queued.items.allSatisfy { $0.status == "queued" })
            let completed = try await client.admin(.get, "/api/admin/submissions?status=completed")
                .decoded(as: Page.self)
            #expect(completed.total == 0)
        }
    }

    @Test func listingFiltersByStatusAfterScoring() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let first = try await client.submitAccepted()
            let second = try await client.submitAccepted()
            try await client.waitUntilCompleted(first, second)
            let completed = try await client.admin(
                .get, "/api/admin/submissions?status=completed&assessment_id=swift-basics"
            )
            .decoded(as: Page.self)
            #expect(completed.total == 2)
            #expect(Set(completed.items.map(\.submissionID)) == [first, second])
            let queued = try await client.admin(.get, "/api/admin/submissions?status=queued").decoded(
                as: Page.self)
            #expect(queued.total == 0)
        }
    }

    @Test func listingIsPagedWithTheTotal() async throws {
        try await AssayFixture.current().withApp { client in
            var submitted: Set<String> = []
            for _ in 0..<3 { submitted.insert(try await client.submitAccepted()) }

            let first = try await client.admin(.get, "/api/admin/submissions?limit=2").decoded(as: Page.self)
            let second = try await client.admin(.get, "/api/admin/submissions?limit=2&offset=2").decoded(
                as: Page.self)
            let beyond = try await client.admin(.get, "/api/admin/submissions?limit=2&offset=4").decoded(
                as: Page.self)
            #expect(first.items.count == 2)
            #expect(first.total == 3)
            #expect(first.limit == 2)
            #expect(first.offset == 0)
            #expect(second.items.count == 1)
            #expect(second.total == 3)
            #expect(second.offset == 2)
            #expect(beyond.items.isEmpty)
            #expect(beyond.total == 3)
            let paged = first.items.map(\.submissionID) + second.items.map(\.submissionID)
            #expect(paged.count == 3)
            #expect(Set(paged) == submitted)
        }
    }

    @Test(arguments: ["status=done", "status=", "status=QUEUED"])
    func unknownStatusIs400(query: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/submissions?\(query)")
            try expectError(response, status: .badRequest, code: "invalid_query")
        }
    }

    @Test(arguments: ["limit=0", "limit=501", "limit=abc", "limit=-5", "offset=-1", "offset=ten"])
    func badPagingIs400(query: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/submissions?\(query)")
            try expectError(response, status: .badRequest, code: "invalid_query")
        }
    }

    @Test(arguments: ["limit=1", "limit=500"])
    func pagingLimitsAtTheBoundsAreAccepted(query: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/submissions?\(query)")
            #expect(response.status == .ok)
        }
    }

    @Test func submissionIsShownToTheAdmin() async throws {
        try await AssayFixture.current().withApp { client in
            let submissionID = try await client.submitAccepted(SampleSubmissions.perfect)
            let response = try await client.admin(.get, "/api/admin/submissions/\(submissionID)")
            #expect(response.status == .ok)
            let createdAt = try #require(try response.jsonObject()["created_at"] as? String)
            let created = try Date(
                createdAt, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            #expect(abs(created.timeIntervalSinceNow) < 60, "created_at: \(createdAt)")
            let submission = try response.decoded(as: SubmissionBody.self)
            #expect(submission.submissionID == submissionID)
            #expect(submission.assessmentID == "swift-basics")
            #expect(submission.status == "queued")
            #expect(submission.candidate == SampleSubmissions.ada)
            #expect(submission.answers == SampleSubmissions.perfectAnswers)
        }
    }

    @Test func unknownSubmissionIs404() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/submissions/no-such-submission")
            try expectError(response, status: .notFound, code: "not_found")
        }
    }
}
