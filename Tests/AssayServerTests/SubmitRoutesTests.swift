import AssayCore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct SubmitRoutesTests {
    @Test func acceptedSubmissionAnswersInThePlansShape() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(SampleSubmissions.perfect)
            #expect(response.status == .ok)
            #expect(
                Set(try response.jsonObject().keys) == ["success", "submission_id", "message", "queue_mode"])
            let body = try response.decoded(as: SubmitBody.self)
            #expect(body.success)
            #expect(!body.submissionID.isEmpty)
            #expect(body.message == "Assessment submitted successfully")
            #expect(body.queueMode == "database")
        }
    }

    @Test func acceptedSubmissionIsStoredAsSent() async throws {
        try await AssayFixture.current().withApp { client in
            let submissionID = try await client.submitAccepted(SampleSubmissions.perfect)
            let response = try await client.admin(.get, "/api/admin/submissions/\(submissionID)")
            #expect(response.status == .ok)
            let stored = try response.decoded(as: SubmissionBody.self)
            #expect(stored.assessmentID == "swift-basics")
            #expect(stored.candidate == SampleSubmissions.ada)
            #expect(stored.answers == SampleSubmissions.perfectAnswers)
        }
    }

    @Test func eachSubmissionGetsItsOwnID() async throws {
        try await AssayFixture.current().withApp { client in
            let first = try await client.submitAccepted()
            let second = try await client.submitAccepted()
            #expect(first != second)
        }
    }

    @Test(arguments: ["application/json; charset=utf-8", "application/merge-patch+json", "Application/JSON"])
    func jsonMediaTypesAreAccepted(contentType: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(
                json: #"{"candidate": {"name": "Ada", "email": "a@b.c"}, "answers": []}"#,
                contentType: contentType)
            #expect(response.status == .ok, "body: \(response.text)")
        }
    }

    @Test(arguments: ["{\"candidate\": ", "not json", "", "{'candidate': {}}"])
    func malformedJSONIs400(body: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(json: body)
            try expectError(response, status: .badRequest, code: "invalid_json")
        }
    }

    @Test(arguments: ["text/plain", nil, "application/x-www-form-urlencoded"])
    func nonJSONContentTypeIs415(contentType: String?) async throws {
        let body = String(decoding: try AssayJSON.encoder().encode(SampleSubmissions.perfect), as: UTF8.self)
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(json: body, contentType: contentType)
            try expectError(response, status: .unsupportedMediaType, code: "unsupported_media_type")
        }
    }

    @Test func unknownAssessmentIs404() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(SampleSubmissions.perfect, to: "no-such-test")
            try expectError(response, status: .notFound, code: "not_found")
        }
    }

    @Test func answerToAnUnknownQuestionIs422AndStoresNothing() async throws {
        try await AssayFixture.current().withApp { client in
            let content = SampleSubmissions.answering(
                Answer(questionID: "q1", answer: .text("b")), Answer(questionID: "q9", answer: .text("a")))
            try expectError(
                try await client.submit(content), status: .unprocessableContent, code: "unknown_question")

            let listing = try await client.admin(.get, "/api/admin/submissions")
            #expect(try listing.decoded(as: PageBody<SubmissionBody>.self).total == 0)
            #expect(try await client.queueStatus().queues["scoring-jobs"]?.activeMessages == 0)
        }
    }

    static let wrongTypes = [
        Answer(questionID: "q1", answer: .choices(["b"])),
        Answer(questionID: "q1", answer: .number(2)),
        Answer(questionID: "q2", answer: .text("a")),
        Answer(questionID: "q2", answer: .number(1)),
        Answer(questionID: "q3", answer: .text("3.33")),
        Answer(questionID: "q3", answer: .choices(["3.33"])),
        Answer(questionID: "q4", answer: .number(1)),
        Answer(questionID: "q4", answer: .choices(["let"])),
        Answer(questionID: "q6", answer: .choices(["actor"])),
        Answer(questionID: "q6", answer: .number(42)),
    ]

    @Test(arguments: wrongTypes)
    func answerOfTheWrongTypeForItsKindIs422(answer: Answer) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(SampleSubmissions.answering(answer))
            try expectError(response, status: .unprocessableContent, code: "wrong_answer_type")
        }
    }

    @Test(arguments: ["true", "null", #"{"id": "b"}"#, "[1, 2]"])
    func answerThatIsNoStringArrayOrNumberIs422(answer: String) async throws {
        let body = """
            {"candidate": {"name": "Ada", "email": "ada@example.com"},
             "answers": [{"question_id": "q1", "answer": \(answer)}]}
            """
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(json: body)
            try expectError(response, status: .unprocessableContent, code: "invalid_body")
        }
    }

    @Test(arguments: [
        Answer(questionID: "q1", answer: .text("z")),
        Answer(questionID: "q2", answer: .choices(["a", "z"])),
    ])
    func unknownOptionIs422(answer: Answer) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(SampleSubmissions.answering(answer))
            try expectError(response, status: .unprocessableContent, code: "unknown_option")
        }
    }

    @Test func questionAnsweredTwiceIs422() async throws {
        try await AssayFixture.current().withApp { client in
            let content = SampleSubmissions.answering(
                Answer(questionID: "q1", answer: .text("b")), Answer(questionID: "q1", answer: .text("a")))
            try expectError(
                try await client.submit(content), status: .unprocessableContent, code: "duplicate_answer")
        }
    }

    @Test func optionPickedTwiceIs422() async throws {
        try await AssayFixture.current().withApp { client in
            let content = SampleSubmissions.answering(Answer(questionID: "q2", answer: .choices(["a", "a"])))
            try expectError(
                try await client.submit(content), status: .unprocessableContent, code: "duplicate_answer")
        }
    }

    @Test(arguments: [
        #"{"answers": []}"#,
        #"{"candidate": {"name": "Ada", "email": "ada@example.com"}}"#,
        #"{"candidate": {"email": "ada@example.com"}, "answers": []}"#,
        #"{"candidate": "Ada", "answers": []}"#,
        #"{"candidate": {"name": "Ada", "email": "ada@example.com"}, "answers": [{"answer": "b"}]}"#,
        "[]",
    ])
    func bodyNotShapedAsASubmissionIs422(body: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(json: body)
            try expectError(response, status: .unprocessableContent, code: "invalid_body")
        }
    }

    @Test(arguments: [
        Candidate(name: "  ", email: "ada@example.com"),
        Candidate(name: "Ada", email: "not-an-address"),
        Candidate(name: "Ada", email: "ada @example.com"),
        Candidate(name: String(repeating: "A", count: 201), email: "ada@example.com"),
    ])
    func invalidCandidateIs422(candidate: Candidate) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(SubmissionContent(candidate: candidate, answers: []))
            try expectError(response, status: .unprocessableContent, code: "invalid_candidate")
        }
    }

    @Test func textAnswerOver20000CharactersIs422() async throws {
        try await AssayFixture.current().withApp { client in
            let essay = String(repeating: "a", count: SubmissionContent.maximumTextAnswerLength + 1)
            let content = SampleSubmissions.answering(Answer(questionID: "q6", answer: .text(essay)))
            try expectError(
                try await client.submit(content), status: .unprocessableContent, code: "answer_too_long")
        }
    }

    @Test func bodyOfExactly1MiBIsRead() async throws {
        let submission = #"{"candidate": {"name": "Ada", "email": "ada@example.com"}, "answers": []}"#
        let body = submission + String(repeating: " ", count: (1 << 20) - submission.utf8.count)
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(json: body)
            #expect(response.status == .ok, "body: \(response.text)")
        }
    }

    @Test func bodyOver1MiBIs413() async throws {
        let essay = String(repeating: "a", count: 1 << 20)
        let body = """
            {"candidate": {"name": "Ada", "email": "ada@example.com"},
             "answers": [{"question_id": "q6", "answer": "\(essay)"}]}
            """
        try await AssayFixture.current().withApp { client in
            let response = try await client.submit(json: body)
            try expectError(response, status: .contentTooLarge, code: "body_too_large")
        }
    }
}
