import AssayCore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct InputValidationRoutesTests {
    private static func withAnswer(_ text: String, candidate: Candidate = SampleSubmissions.ada)
        -> SubmissionContent
    {
        SubmissionContent(
            candidate: candidate,
            answers: SampleSubmissions.perfectAnswers.dropLast() + [
                Answer(questionID: "q6", answer: .text(text))
            ])
    }

    @Test func aNULInAnAnswerOrANameIs422() async throws {
        try await AssayFixture.current().withApp { client in
            try expectError(
                try await client.submit(Self.withAnswer("an actor\u{0}")), status: .unprocessableContent,
                code: "invalid_answer")
            try expectError(
                try await client.submit(
                    Self.withAnswer(
                        "an actor", candidate: Candidate(name: "Ada\u{0}", email: "ada@example.com"))),
                status: .unprocessableContent, code: "invalid_candidate")
            try expectError(
                try await client.submit(
                    json: #"{"candidate": {"name": "Ada\u0000", "email": "a@b.c"}, "answers": []}"#),
                status: .unprocessableContent, code: "invalid_candidate")
            #expect(try await client.queueStatus().queues["scoring-jobs"]?.activeMessages == 0)
        }
    }

    @Test func oneBadSubmissionInAConcurrentBurstLeavesTheOthersAccepted() async throws {
        try await AssayFixture.current().withApp { client in
            let statuses = try await withThrowingTaskGroup(of: (Bool, HTTPResponse.Status).self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let bad = index == 12
                        let content = Self.withAnswer(bad ? "an actor\u{0}isolation" : "an actor, isolation")
                        return (bad, try await client.submit(content).status)
                    }
                }
                return try await group.reduce(into: [(Bool, HTTPResponse.Status)]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 }.map(\.1) == [.unprocessableContent])
            #expect(statuses.filter { !$0.0 }.map(\.1) == Array(repeating: .ok, count: 23))
            #expect(try await client.queueStatus().queues["scoring-jobs"]?.activeMessages == 23)
        }
    }

    @Test func theCandidatesNameAndEmailAreStoredTrimmed() async throws {
        try await AssayFixture.current().withApp { client in
            let candidate = #"{"name": "  Ada Lovelace \t", "email": " ada@example.com\n"}"#
            let response = try await client.submit(json: #"{"candidate": \#(candidate), "answers": []}"#)
            let submissionID = try response.decoded(as: SubmitBody.self).submissionID
            let stored = try await client.admin(.get, "/api/admin/submissions/\(submissionID)").jsonObject()
            let storedCandidate = try #require(stored["candidate"] as? [String: Any])
            #expect(storedCandidate["name"] as? String == "Ada Lovelace")
            #expect(storedCandidate["email"] as? String == "ada@example.com")
        }
    }

    @Test func anAssessmentPastItsBoundsOrWithAControlCharacterIs422() async throws {
        try await AssayFixture.current().withApp { client in
            let tooMany = SampleSubmissions.assessmentJSON(
                id: "too-many", questionIDs: (0...Assessment.maximumQuestions).map { "q\($0)" })
            try expectError(
                try await client.admin(.post, "/api/admin/assessments", json: tooMany),
                status: .unprocessableContent, code: "invalid_assessment")
            let nulTitle = SampleSubmissions.assessmentJSON(id: "nul-title", title: #"Swift\u0000"#)
            try expectError(
                try await client.admin(.post, "/api/admin/assessments", json: nulTitle),
                status: .unprocessableContent, code: "invalid_assessment")
        }
    }

    @Test func anErrorQuotesAtMost200CharactersOfTheInput() async throws {
        try await AssayFixture.current().withApp { client in
            let long = String(repeating: "q", count: 5_000)
            let unknownQuestion = try await client.submit(
                SampleSubmissions.answering(Answer(questionID: long, answer: .text("a"))))
            let unknownAssessment = try await client.execute(
                uri: "/api/candidate/assessment/\(long)", method: .get)
            let unknownSubmission = try await client.admin(.get, "/api/admin/submissions/\(long)")
            for response in [unknownQuestion, unknownAssessment, unknownSubmission] {
                let error = try #require(try response.jsonObject()["error"] as? [String: Any])
                let message = try #require(error["message"] as? String)
                #expect(message.contains(String(repeating: "q", count: 200) + "…'"), "\(message)")
                #expect(message.count < 300)
            }
        }
    }

    @Test func aSubmissionFilterThatIsNoAssessmentIdIs400() async throws {
        try await AssayFixture.current().withApp { client in
            try expectError(
                try await client.admin(.get, "/api/admin/submissions?assessment_id=swift%00basics"),
                status: .badRequest, code: "invalid_query")
            #expect(
                try await client.admin(.get, "/api/admin/submissions?assessment_id=swift-basics").status
                    == .ok)
        }
    }
}
