import AssayCore
import AssayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct CandidateRoutesTests {
    @Test func assessmentIsShownWithoutItsAnswerKeys() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/api/candidate/assessment/swift-basics", method: .get) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let object = try response.jsonObject()
                #expect(object["id"] as? String == "swift-basics")
                #expect(object["title"] as? String == "Swift basics")
                #expect(object["passing_percent"] as? Double == 70)
                let questions = try #require(object["questions"] as? [[String: Any]])
                #expect(questions.map { $0["id"] as? String } == ["q1", "q2", "q3", "q4", "q5", "q6"])
                #expect(questions.allSatisfy { $0["prompt"] is String && $0["points"] is Double })

                let keys = allKeys(in: object)
                for answerKey in ["correct", "accepted", "keywords", "tolerance", "answer"] {
                    #expect(!keys.contains(answerKey), "the candidate's view reveals \(answerKey)")
                }
            }
        }
    }

    @Test func assessmentKeepsWhatTheCandidateNeedsToAnswer() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/api/candidate/assessment/swift-basics", method: .get) {
                response in
                let questions = try #require(try response.jsonObject()["questions"] as? [[String: Any]])
                let byID = Dictionary(uniqueKeysWithValues: questions.map { ($0["id"] as? String ?? "", $0) })
                let q2Options = try #require(byID["q2"]?["options"] as? [[String: Any]])
                #expect(q2Options.map { $0["id"] as? String } == ["a", "b", "c", "d"])
                #expect(byID["q3"]?["kind"] as? String == "numeric")
                let rubric = try #require(byID["q6"]?["rubric"] as? [[String: Any]])
                #expect(rubric.map { $0["id"] as? String } == ["c1", "c2"])
                #expect(rubric.map { $0["points"] as? Double } == [3, 2])
                #expect(rubric.allSatisfy { $0["description"] is String })
            }
        }
    }

    @Test func unknownAssessmentIs404() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/api/candidate/assessment/no-such-test", method: .get) {
                response in
                try expectError(response, status: .notFound, code: "not_found")
            }
        }
    }

    @Test func submissionIsQueuedUntilAWorkerTakesIt() async throws {
        try await AssayFixture.current().withApp { client in
            let submissionID = try await client.submitAccepted()
            try await client.execute(uri: "/api/candidate/submissions/\(submissionID)", method: .get) {
                response in
                #expect(response.status == .ok)
                #expect(Set(try response.jsonObject().keys) == ["submission_id", "status"])
                let body = try response.decoded(as: SubmissionStatusBody.self)
                #expect(body.submissionID == submissionID)
                #expect(body.status == "queued")
            }
        }
    }

    @Test func submissionIsCompletedOnceTheWorkerHasReported() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionID = try await client.submitAccepted()
            try await client.waitUntilCompleted(submissionID)
            try await client.execute(uri: "/api/candidate/submissions/\(submissionID)", method: .get) {
                response in
                #expect(response.status == .ok)
                let body = try response.decoded(as: SubmissionStatusBody.self)
                #expect(body.status == "completed")
            }
        }
    }

    @Test func unknownSubmissionIs404() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.execute(uri: "/api/candidate/submissions/no-such-submission", method: .get) {
                response in
                try expectError(response, status: .notFound, code: "not_found")
            }
        }
    }
}
