import AssayCore
import AssayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct IdempotencyTests {
    @Test func sameKeyAndBodyReplaysTheFirstSubmissionWithOneScoringJob() async throws {
        try await AssayFixture.current().withApp { client in
            let headers: HTTPFields = [.idempotencyKey: "submit-7f3a"]
            let first = try await client.submit(SampleSubmissions.perfect, headers: headers)
            let second = try await client.submit(SampleSubmissions.perfect, headers: headers)
            #expect(first.status == .ok)
            #expect(second.status == .ok)
            let firstBody = try first.decoded(as: SubmitBody.self)
            let secondBody = try second.decoded(as: SubmitBody.self)
            #expect(secondBody.submissionID == firstBody.submissionID)
            #expect(secondBody.success)
            #expect(secondBody.message == "Assessment submitted successfully")

            let listing = try await client.admin(.get, "/api/admin/submissions")
            #expect(try listing.decoded(as: PageBody<SubmissionBody>.self).total == 1)
            #expect(try await client.queueStatus().queues["scoring-jobs"]?.activeMessages == 1)
        }
    }

    @Test func replayAfterScoringStillScoresOnce() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let headers: HTTPFields = [.idempotencyKey: "submit-after-report"]
            let first = try await client.submit(SampleSubmissions.perfect, headers: headers)
            let submissionID = try first.decoded(as: SubmitBody.self).submissionID
            try await client.waitUntilCompleted(submissionID)

            let replay = try await client.submit(SampleSubmissions.perfect, headers: headers)
            #expect(replay.status == .ok)
            #expect(try replay.decoded(as: SubmitBody.self).submissionID == submissionID)
            let scoring = try #require(try await client.queueStatus().queues["scoring-jobs"])
            #expect(scoring.activeMessages == 0)
            #expect(scoring.running == 0)
            let scoredOnce = try await eventually {
                try await client.queueStatus().queues["scoring-jobs"]?.completedLastHour == 1
            }
            #expect(scoredOnce)
        }
    }

    @Test func sameKeyWithAnotherBodyIs409() async throws {
        try await AssayFixture.current().withApp { client in
            let headers: HTTPFields = [.idempotencyKey: "submit-7f3a"]
            #expect(try await client.submit(SampleSubmissions.perfect, headers: headers).status == .ok)
            let other = try await client.submit(SampleSubmissions.empty, headers: headers)
            try expectError(other, status: .conflict, code: "idempotency_key_reused")

            let listing = try await client.admin(.get, "/api/admin/submissions")
            #expect(try listing.decoded(as: PageBody<SubmissionBody>.self).total == 1)
        }
    }

    @Test func sameKeyOnAnotherAssessmentIs409() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.createAssessment(SampleSubmissions.assessmentJSON(id: "other-test"))
            let headers: HTTPFields = [.idempotencyKey: "submit-7f3a"]
            #expect(try await client.submit(SampleSubmissions.empty, headers: headers).status == .ok)
            let other = try await client.submit(SampleSubmissions.empty, to: "other-test", headers: headers)
            try expectError(other, status: .conflict, code: "idempotency_key_reused")
        }
    }

    @Test func differentKeysMakeDifferentSubmissions() async throws {
        try await AssayFixture.current().withApp { client in
            let first = try await client.submit(
                SampleSubmissions.perfect, headers: [.idempotencyKey: "key-1"])
            let second = try await client.submit(
                SampleSubmissions.perfect, headers: [.idempotencyKey: "key-2"])
            #expect(
                try first.decoded(as: SubmitBody.self).submissionID
                    != second.decoded(as: SubmitBody.self).submissionID)
            #expect(try await client.queueStatus().queues["scoring-jobs"]?.activeMessages == 2)
        }
    }

    @Test func concurrentRetriesWithOneKeyMakeOneSubmission() async throws {
        try await AssayFixture.current().withApp { client in
            let headers: HTTPFields = [.idempotencyKey: "retry-storm"]
            let submissionIDs = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await client.submit(SampleSubmissions.perfect, headers: headers)
                        try #require(response.status == .ok, "body: \(response.text)")
                        return try response.decoded(as: SubmitBody.self).submissionID
                    }
                }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(submissionIDs.count == 1)
            #expect(try await client.queueStatus().queues["scoring-jobs"]?.activeMessages == 1)
        }
    }

    @Test func rejectedSubmissionDoesNotUseUpItsKey() async throws {
        try await AssayFixture.current().withApp { client in
            let headers: HTTPFields = [.idempotencyKey: "fix-and-retry"]
            let wrong = SampleSubmissions.answering(Answer(questionID: "q9", answer: .text("a")))
            let rejected = try await client.submit(wrong, headers: headers)
            try expectError(rejected, status: .unprocessableContent, code: "unknown_question")
            let accepted = try await client.submit(SampleSubmissions.perfect, headers: headers)
            #expect(accepted.status == .ok, "body: \(accepted.text)")
        }
    }

    @Test func keyOf255CharactersIsAccepted() async throws {
        try await AssayFixture.current().withApp { client in
            let key = String(repeating: "k", count: 255)
            let response = try await client.submit(SampleSubmissions.perfect, headers: [.idempotencyKey: key])
            #expect(response.status == .ok, "body: \(response.text)")
        }
    }

    @Test(arguments: [String(repeating: "k", count: 300), String(repeating: "k", count: 256), "two words"])
    func invalidKeyIs400AndStoresNothing(key: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(SampleSubmissions.perfect, headers: [.idempotencyKey: key])
            try expectError(response, status: .badRequest, code: "invalid_idempotency_key")
            #expect(try await client.queueStatus().queues["scoring-jobs"]?.activeMessages == 0)
        }
    }
}
