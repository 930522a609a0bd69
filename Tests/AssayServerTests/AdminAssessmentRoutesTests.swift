import AssayCore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct AdminAssessmentRoutesTests {
    @Test func createdAssessmentIsReadBackWithItsAnswerKeys() async throws {
        try await AssayFixture.current().withApp { client in
            let json = SampleSubmissions.assessmentJSON(id: "go-basics", title: "Go basics")
            let created = try await client.admin(.post, "/api/admin/assessments", json: json)
            #expect(created.status == .created, "body: \(created.text)")
            let posted = try AssayJSON.decoder().decode(Assessment.self, from: Data(json.utf8))
            #expect(try created.decoded(as: Assessment.self) == posted)

            let read = try await client.admin(.get, "/api/admin/assessments/go-basics")
            #expect(read.status == .ok)
            #expect(try read.decoded(as: Assessment.self) == posted)
            #expect(allKeys(in: try read.jsonObject()).contains("accepted"))
        }
    }

    @Test func sampleAssessmentIsReadBackWhole() async throws {
        try await AssayFixture.current().withApp { client in
            let read = try await client.admin(.get, "/api/admin/assessments/swift-basics")
            #expect(read.status == .ok)
            #expect(try read.decoded(as: Assessment.self) == AssayFixture.sampleAssessment())
            let keys = allKeys(in: try read.jsonObject())
            #expect(keys.isSuperset(of: ["correct", "accepted", "keywords", "tolerance", "answer"]))
        }
    }

    @Test func createdAssessmentIsOpenToCandidates() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.createAssessment(SampleSubmissions.assessmentJSON(id: "go-basics"))
            let answer = Answer(questionID: "q1", answer: .text("let"))
            _ = try await client.submitAccepted(SampleSubmissions.answering(answer), to: "go-basics")
        }
    }

    @Test func duplicateIDIs409() async throws {
        try await AssayFixture.current().withApp { client in
            let json = try String(contentsOf: AssayFixture.sampleAssessmentURL, encoding: .utf8)
            let response = try await client.admin(.post, "/api/admin/assessments", json: json)
            try expectError(response, status: .conflict, code: "assessment_exists")
        }
    }

    @Test func duplicateQuestionIDsAre422() async throws {
        try await AssayFixture.current().withApp { client in
            let json = SampleSubmissions.assessmentJSON(id: "twice", questionIDs: ["q1", "q2", "q1"])
            let response = try await client.admin(.post, "/api/admin/assessments", json: json)
            try expectError(response, status: .unprocessableContent, code: "invalid_assessment")
            let missing = try await client.admin(.get, "/api/admin/assessments/twice")
            try expectError(missing, status: .notFound, code: "not_found")
        }
    }

    @Test(arguments: ["Not_A_Slug", "", String(repeating: "a", count: 65)])
    func idThatIsNoSlugIs422(id: String) async throws {
        try await AssayFixture.current().withApp { client in
            let json = SampleSubmissions.assessmentJSON(id: id)
            let response = try await client.admin(.post, "/api/admin/assessments", json: json)
            try expectError(response, status: .unprocessableContent, code: "invalid_assessment")
        }
    }

    /// Each question's points are a finite number, but their sum is not: the scorer cannot encode an
    /// evaluation with infinite max points, so every submission to such an assessment would end dead.
    @Test func assessmentWhosePointsAddUpToInfinityIs422() async throws {
        let json = """
            {"id": "overflow", "title": "Overflow", "questions": [
              {"id": "q1", "kind": "short_text", "prompt": "Constant?", "points": 1e308, "accepted": ["let"]},
              {"id": "q2", "kind": "short_text", "prompt": "Variable?", "points": 1e308, "accepted": ["var"]}]}
            """
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.post, "/api/admin/assessments", json: json)
            try expectError(response, status: .unprocessableContent, code: "invalid_assessment")
        }
    }

    @Test func missingIDIsGeneratedFromTheTitle() async throws {
        try await AssayFixture.current().withApp { client in
            let json = SampleSubmissions.assessmentJSON(id: nil, title: "Go for Swift developers!")
            let created = try await client.admin(.post, "/api/admin/assessments", json: json)
            #expect(created.status == .created, "body: \(created.text)")
            let id = try created.decoded(as: Assessment.self).id
            #expect(id.wholeMatch(of: /go-for-swift-developers-[a-z0-9]{6}/) != nil, "id: \(id)")

            let read = try await client.admin(.get, "/api/admin/assessments/\(id)")
            #expect(read.status == .ok)
            #expect(try read.decoded(as: Assessment.self).title == "Go for Swift developers!")
        }
    }

    @Test(arguments: ["{\"title\": ", "title: Go", ""])
    func malformedJSONIs400(body: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.post, "/api/admin/assessments", json: body)
            try expectError(response, status: .badRequest, code: "invalid_json")
        }
    }

    @Test(arguments: [
        #"{"id": "no-title", "questions": []}"#,
        #"{"id": "no-questions", "title": "No questions"}"#,
        #"{"id": "bad-kind", "title": "Bad kind", "questions": [{"id": "q1", "kind": "essay", "prompt": "?", "points": 1}]}"#,
    ])
    func bodyNotShapedAsAnAssessmentIs422(body: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.post, "/api/admin/assessments", json: body)
            try expectError(response, status: .unprocessableContent, code: "invalid_body")
        }
    }

    @Test func assessmentSentAsTextIs415() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.execute(
                uri: "/api/admin/assessments", method: .post,
                headers: [.authorization: "Bearer \(AssayFixture.adminToken)", .contentType: "text/plain"],
                body: .init(string: SampleSubmissions.assessmentJSON(id: "as-text")))
            try expectError(response, status: .unsupportedMediaType, code: "unsupported_media_type")
        }
    }

    @Test func unknownAssessmentIs404() async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/assessments/no-such-test")
            try expectError(response, status: .notFound, code: "not_found")
        }
    }

    @Test func listingIsPagedWithTheTotal() async throws {
        try await AssayFixture.current().withApp { client in
            try await client.createAssessment(
                SampleSubmissions.assessmentJSON(id: "second", questionIDs: ["a", "b"]))
            try await client.createAssessment(SampleSubmissions.assessmentJSON(id: "third"))

            let all = try await client.admin(.get, "/api/admin/assessments")
            let allPage = try all.decoded(as: PageBody<AssessmentSummaryBody>.self)
            #expect(allPage.total == 3)
            #expect(allPage.limit == 50)
            #expect(allPage.offset == 0)
            let counts = Dictionary(uniqueKeysWithValues: allPage.items.map { ($0.id, $0.questionCount) })
            #expect(counts == ["swift-basics": 6, "second": 2, "third": 1])
            #expect(allPage.items.first { $0.id == "swift-basics" }?.title == "Swift basics")

            let first = try await client.admin(.get, "/api/admin/assessments?limit=2")
                .decoded(as: PageBody<AssessmentSummaryBody>.self)
            let second = try await client.admin(.get, "/api/admin/assessments?limit=2&offset=2")
                .decoded(as: PageBody<AssessmentSummaryBody>.self)
            #expect(first.items.count == 2)
            #expect(first.total == 3)
            #expect(first.limit == 2)
            #expect(second.items.count == 1)
            #expect(second.total == 3)
            #expect(second.offset == 2)
            #expect(Set((first.items + second.items).map(\.id)) == ["swift-basics", "second", "third"])
        }
    }

    @Test(arguments: ["limit=0", "limit=501", "limit=abc", "offset=-1", "offset=x"])
    func badPagingIs400(query: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/assessments?\(query)")
            try expectError(response, status: .badRequest, code: "invalid_query")
        }
    }
}
