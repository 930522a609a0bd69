import AssayTestSupport
import Foundation
import Testing

/// `assay serve` with `SCORER=llm`, against a chat-completions stub on 127.0.0.1 that grades every
/// criterion with full marks and writes the report's words.
@Suite("SCORER=llm, end to end", .serialized, .timeLimit(.minutes(5)))
struct LLMEndToEndTests {
    static let token = "e2e-admin-token-0123456789"
    static let key = "sk-e2e-do-not-print-4242"

    /// The stub's answer: a grading when the request asks for one (every criterion of the prompt
    /// at its full points), the report's words otherwise.
    static func answer(_ request: ChatStub.Received) -> StubReply {
        let prompt = request.messageContents.joined(separator: "\n")
        guard prompt.contains("Rubric criteria:") else {
            return .completion(
                #"{"summary": "Written by the stub model.", "strengths": ["Clear reasoning."], "improvements": ["Name the trade-offs."]}"#
            )
        }
        let criteria = prompt.matches(of: /- id "([^"]+)", worth up to ([0-9.]+) points/).map {
            #"{"id": "\#($0.1)", "points": \#($0.2), "reason": "Meets it."}"#
        }
        return .completion(
            #"{"criteria": [\#(criteria.joined(separator: ", "))], "feedback": "Well argued."}"#)
    }

    private func serve(_ sandbox: ServeEndToEndTests.Sandbox, baseURL: String) throws -> AssayProcess {
        try AssayProcess(
            arguments: ["serve"],
            environment: sandbox.environment.merging([
                "ADMIN_API_TOKEN": Self.token, "SCORER": "llm", "LLM_BASE_URL": baseURL,
                "LLM_MODEL": "stub-model",
                "LLM_API_KEY": Self.key, "JOB_RETRY_BASE_SECONDS": "0.1",
            ]) { $1 },
            workingDirectory: sandbox.directory)
    }

    private func submitSample(_ client: HTTPClient) async throws -> String {
        let submissionFile = AssayProcess.repositoryRoot.appendingPathComponent(
            "Examples/submissions/swift-basics.json")
        let submitted = try await client.send(
            "POST", "/api/candidate/assessment/swift-basics/submit",
            json: try JSONSerialization.jsonObject(with: Data(contentsOf: submissionFile)))
        return try #require(try submitted.json()["submission_id"] as? String)
    }

    @Test("a submission ends in a report the model scored and wrote, naming the model and each call's cost")
    func reportWrittenByTheModel() async throws {
        try await ChatStub.run(responding: Self.answer) { stub, baseURL in
            let sandbox = try await ServeEndToEndTests.Sandbox()
            defer { sandbox.remove() }
            let server = try serve(sandbox, baseURL: baseURL)
            let port = try await server.listeningPort()
            let baseURL = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let candidate = HTTPClient(baseURL: baseURL)
            let admin = HTTPClient(baseURL: baseURL, token: Self.token)
            let submissionID = try await submitSample(candidate)
            let completed = try await eventually(timeout: .seconds(60)) {
                try await candidate.send("GET", "/api/candidate/submissions/\(submissionID)").json()["status"]
                    as? String == "completed"
            }
            #expect(completed)
            let report = try await admin.send("GET", "/api/admin/submissions/\(submissionID)/report").json()
            #expect(report["scorer"] as? String == "llm")
            #expect(report["model"] as? String == "stub-model")
            #expect(report["summary"] as? String == "Written by the stub model.")
            #expect(report["strengths"] as? [String] == ["Clear reasoning."])
            let calls = try #require(report["model_calls"] as? [[String: Any]])
            #expect(calls.count == 2, "one grading (the free-text question) and one report: \(calls)")
            #expect(
                calls.allSatisfy {
                    $0["prompt_tokens"] as? Int == 120 && $0["completion_tokens"] as? Int == 30
                })
            #expect(calls.allSatisfy { ($0["latency_ms"] as? Int).map { $0 >= 0 } == true })
            let questions = try #require(report["questions"] as? [[String: Any]])
            let freeText = try #require(questions.first { $0["question_id"] as? String == "q6" })
            #expect(freeText["points"] as? Double == 5)
            #expect(stub.received.allSatisfy { $0.headers["authorization"] == "Bearer \(Self.key)" })
            // Jobs beyond the model's slots (LLM_MAX_CONCURRENCY, 8) wait in the database, unclaimed.
            #expect(server.printed.contains("concurrency=scoring-jobs=8,report-jobs=8"))
            #expect(try await server.stop(signal: SIGTERM) == 0)
            #expect(!server.printed.contains(Self.key))
        }
    }

    @Test("a key the model server refuses makes the job dead at once, naming LLM_API_KEY, never the key")
    func refusedKeyIsDeadAtOnce() async throws {
        try await ChatStub.run([.error(401, message: "invalid api key")]) { stub, baseURL in
            let sandbox = try await ServeEndToEndTests.Sandbox()
            defer { sandbox.remove() }
            let server = try serve(sandbox, baseURL: baseURL)
            let port = try await server.listeningPort()
            let baseURL = try #require(URL(string: "http://127.0.0.1:\(port)"))
            let candidate = HTTPClient(baseURL: baseURL)
            let admin = HTTPClient(baseURL: baseURL, token: Self.token)
            let submissionID = try await submitSample(candidate)
            let failed = try await eventually(timeout: .seconds(60)) {
                try await candidate.send("GET", "/api/candidate/submissions/\(submissionID)").json()["status"]
                    as? String == "failed"
            }
            #expect(failed)
            let dead = try await admin.send("GET", "/api/admin/queue/dead-letters").json()
            let jobs = try #require(dead["items"] as? [[String: Any]])
            #expect(jobs.count == 1)
            let errors = try #require(jobs.first?["errors"] as? [[String: Any]])
            #expect(errors.count == 1, "dead at its first attempt: \(errors)")
            let message = try #require(errors.first?["message"] as? String)
            #expect(message.contains("LLM_API_KEY"))
            #expect(!message.contains(Self.key))
            #expect(stub.received.count == 1)
            #expect(try await server.stop(signal: SIGTERM) == 0)
            #expect(!server.printed.contains(Self.key))
        }
    }
}
