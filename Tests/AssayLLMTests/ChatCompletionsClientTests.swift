import AssayCore
import AssayLLM
import AssayTestSupport
import Testing

@Suite("Chat-completions client failures, formats and limits")
struct ChatCompletionsClientTests {
    private func scoreFailure(_ replies: [StubReply], timeout: Duration = .seconds(5)) async throws
        -> LLMError?
    {
        try await ChatStub.run(replies) { _, baseURL in
            let client = ChatCompletionsClient(
                settings: Fixtures.settings(baseURL: baseURL, timeout: timeout))
            return await #expect(throws: LLMError.self) {
                try await LLMScorer(client: client).score(Fixtures.submission(), for: Fixtures.assessment)
            }
        }
    }

    @Test("an answer past the time-out fails the attempt, to be retried")
    func timeout() async throws {
        let error = try await scoreFailure(
            [.grading(c1: 1, c2: 1, delay: .milliseconds(1500))], timeout: .milliseconds(300))
        #expect(error == .timedOut(after: .milliseconds(300)))
        #expect(error?.isPermanent == false)
        #expect(error?.description.contains("LLM_TIMEOUT_SECONDS") == true)
    }

    @Test("429 carries its Retry-After, or retry-after-ms, as the least wait")
    func rateLimited() async throws {
        let seconds = try await scoreFailure([.error(429, headers: ["Retry-After": "7"])])
        #expect(seconds == .rateLimited(retryAfter: .seconds(7)))
        #expect(seconds?.retryAfter == .seconds(7))
        #expect(seconds?.isPermanent == false)
        let milliseconds = try await scoreFailure([.error(429, headers: ["retry-after-ms": "1500"])])
        #expect(milliseconds?.retryAfter == .milliseconds(1500))
        let date = try await scoreFailure([
            .error(429, headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"])
        ])
        #expect(date?.retryAfter == .zero)
        let none = try await scoreFailure([.error(429)])
        #expect(none == .rateLimited(retryAfter: nil))
    }

    @Test("500 is a server failure, to be retried")
    func serverError() async throws {
        let error = try await scoreFailure([.error(500, message: "model crashed")])
        #expect(error == .server(status: 500))
        #expect(error?.isPermanent == false)
    }

    @Test("401 and 403 fail at once and name LLM_API_KEY")
    func unauthorized() async throws {
        for status in [401, 403] {
            let error = try await scoreFailure([.error(status, message: "bad key \(Fixtures.apiKey)")])
            #expect(error == .unauthorized(status: status, setting: "LLM_API_KEY"))
            #expect(error?.isPermanent == true)
            #expect(error?.description.contains("check LLM_API_KEY") == true)
        }
    }

    @Test("404 fails at once and names LLM_MODEL")
    func modelNotFound() async throws {
        let error = try await scoreFailure([.error(404, message: "model 'stub-model' not found")])
        #expect(error?.isPermanent == true)
        #expect(error?.description.contains("check LLM_MODEL and LLM_BASE_URL") == true)
    }

    @Test("a connection refused is a transport error, to be retried")
    func connectionRefused() async throws {
        let port = try await ChatStub.run([.error(500)]) { _, baseURL in baseURL }
        let client = ChatCompletionsClient(settings: Fixtures.settings(baseURL: port, timeout: .seconds(1)))
        let error = await #expect(throws: LLMError.self) {
            try await LLMScorer(client: client).score(Fixtures.submission(), for: Fixtures.assessment)
        }
        guard case .transport = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(error?.isPermanent == false)
    }

    @Test("Azure: deployment URL, api-version and the api-key header")
    func azure() async throws {
        try await ChatStub.run([.grading(c1: 1, c2: 1)]) { stub, baseURL in
            let root = String(baseURL.dropLast("/v1".count))
            let settings = Fixtures.settings(baseURL: root + "/", provider: .azure)
            _ = try await LLMScorer(client: ChatCompletionsClient(settings: settings))
                .score(Fixtures.submission(), for: Fixtures.assessment)
            let request = try #require(stub.received.first)
            #expect(request.path == "/openai/deployments/stub-model/chat/completions")
            #expect(request.query == "api-version=\(LLMSettings.defaultAzureAPIVersion)")
            #expect(request.headers["api-key"] == Fixtures.apiKey)
            #expect(request.headers["authorization"] == nil)
        }
    }

    @Test("a server that refuses json_schema gets json_object from then on")
    func responseFormatFallback() async throws {
        let refusal = StubReply.error(500, message: "response_format type json_schema is not supported")
        try await ChatStub.run([refusal, .grading(c1: 1, c2: 1)]) { stub, baseURL in
            let client = ChatCompletionsClient(settings: Fixtures.settings(baseURL: baseURL))
            let scorer = LLMScorer(client: client)
            let scores = try await scorer.score(Fixtures.submission(), for: Fixtures.assessment)
            #expect(scores[1].points == 2)
            #expect(client.responseFormat == .jsonObject)
            _ = try await scorer.score(Fixtures.submission(), for: Fixtures.assessment)
            #expect(stub.received.map(\.responseFormatType) == ["json_schema", "json_object", "json_object"])
            guard case .object(let format) = stub.received[1].body["response_format"] else {
                Issue.record("no response_format")
                return
            }
            #expect(format["schema"] != nil)
        }
    }

    @Test("every request bounds the reply's tokens and asks for temperature 0")
    func boundedReply() async throws {
        try await ChatStub.run([.grading(c1: 1, c2: 1)]) { stub, baseURL in
            let client = ChatCompletionsClient(settings: Fixtures.settings(baseURL: baseURL))
            _ = try await LLMScorer(client: client).score(Fixtures.submission(), for: Fixtures.assessment)
            let body = try #require(stub.received.first?.body)
            #expect(body["max_tokens"] == .number(Double(ChatCompletionsClient.maximumReplyTokens)))
            #expect(body["temperature"] == .number(0))
        }
    }

    @Test("a server that refuses every format gets the schema in the prompt only")
    func responseFormatNone() async throws {
        let refusal = StubReply.error(400, message: "unknown field response_format")
        try await ChatStub.run([refusal, refusal, .grading(c1: 1, c2: 1)]) { stub, baseURL in
            let client = ChatCompletionsClient(settings: Fixtures.settings(baseURL: baseURL))
            _ = try await LLMScorer(client: client).score(Fixtures.submission(), for: Fixtures.assessment)
            #expect(stub.received.map(\.responseFormatType) == ["json_schema", "json_object", nil])
            #expect(stub.received[2].messageContents[0].contains(#""required":["criteria","feedback"]"#))
        }
    }

    @Test("N scorings at once never have more than LLM_MAX_CONCURRENCY calls in flight")
    func concurrencyLimit() async throws {
        // Each reply takes a second, so that the second call overlaps the first even on a loaded machine.
        try await ChatStub.run([.grading(c1: 1, c2: 1, delay: .seconds(1))]) { stub, baseURL in
            let client = ChatCompletionsClient(
                settings: Fixtures.settings(baseURL: baseURL, maxConcurrency: 2))
            let scorer = LLMScorer(client: client)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        _ = try await scorer.score(Fixtures.submission(), for: Fixtures.assessment)
                    }
                }
                try await group.waitForAll()
            }
            #expect(stub.received.count == 6)
            #expect(stub.maxInFlight == 2)
        }
    }

    @Test("the key is in no error description and not in the settings' description")
    func keyNeverShown() async throws {
        var errors: [LLMError?] = []
        for status in [400, 401, 403, 404, 422, 429, 500, 503] {
            errors.append(try await scoreFailure([.error(status, message: "key \(Fixtures.apiKey) refused")]))
        }
        errors.append(
            try await scoreFailure(
                [.grading(c1: 1, c2: 1, delay: .milliseconds(1000))], timeout: .milliseconds(200)))
        #expect(errors.allSatisfy { $0 != nil })
        for error in errors.compactMap({ $0 }) {
            #expect(!error.description.contains(Fixtures.apiKey))
            #expect(!String(reflecting: error).contains(Fixtures.apiKey))
        }
        let settings = Fixtures.settings(baseURL: "http://127.0.0.1:1/v1")
        #expect(!settings.description.contains(Fixtures.apiKey))
        #expect(!String(reflecting: settings).contains(Fixtures.apiKey))
        #expect(settings.description.contains("key: set"))
    }
}
