import AssayCore
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// A client of an OpenAI-compatible chat-completions API: OpenAI, Azure OpenAI, llama.cpp, vLLM, Ollama.
///
/// Each call waits for a place in the shared ``CallLimiter``, asks for a JSON answer in the
/// remembered ``LLMResponseFormat``, and fails with an ``LLMError``: it does not retry itself, the
/// job engine does. When the server refuses the format (a 400, 422 or 500 whose body names
/// `response_format` or `json_schema`), the client falls back to the next format, once per
/// format, and keeps using it for the rest of its life. Keep one client per process.
///
/// ```swift
/// let client = ChatCompletionsClient(settings: settings)
/// let completion = try await client.complete(messages, schemaName: "grading", schema: schema, purpose: "grade q5")
/// ```
public final class ChatCompletionsClient: Sendable {
    /// The most tokens a reply may take (`max_tokens`): a grading or a report's words need a few
    /// hundred; a model that rambles past this is cut off, its reply found invalid and repaired,
    /// instead of running to its context's end at the cost of time and tokens.
    public static let maximumReplyTokens = 512

    private struct RequestBody: Encodable {
        var model: String
        var messages: [ChatMessage]
        var temperature: Double
        var maxTokens: Int
        var responseFormat: JSONValue?

        enum CodingKeys: String, CodingKey {
            case model, messages, temperature
            case maxTokens = "max_tokens"
            case responseFormat = "response_format"
        }
    }

    private struct ResponseBody: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
            }
            var message: Message
        }
        struct Usage: Decodable {
            var promptTokens: Int?
            var completionTokens: Int?

            enum CodingKeys: String, CodingKey {
                case promptTokens = "prompt_tokens"
                case completionTokens = "completion_tokens"
            }
        }
        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }

    /// The largest answer body read from the server.
    private static let maximumBodyBytes = 4 << 20

    /// The settings the client calls with.
    public let settings: LLMSettings
    private let httpClient: HTTPClient
    private let limiter: CallLimiter
    private let format: Mutex<LLMResponseFormat>

    /// A client for these settings, with its own limiter of `settings.maxConcurrency` calls at once
    /// unless one is given, on `HTTPClient.shared` unless a client is given.
    public init(settings: LLMSettings, limiter: CallLimiter? = nil, httpClient: HTTPClient = .shared) {
        self.settings = settings
        self.httpClient = httpClient
        self.limiter = limiter ?? CallLimiter(limit: settings.maxConcurrency)
        self.format = Mutex(settings.responseFormat)
    }

    /// The format the next call asks for: the configured one, or where refusals have led.
    public var responseFormat: LLMResponseFormat {
        format.withLock { $0 }
    }

    /// Sends the conversation and returns the first choice's text with the call's usage.
    ///
    /// Throws an ``LLMError``, or `CancellationError` when the task is cancelled.
    public func complete(
        _ messages: [ChatMessage],
        schemaName: String,
        schema: JSONValue,
        purpose: String
    ) async throws -> ChatCompletion {
        while true {
            let asked = responseFormat
            let outcome = try await limiter.run {
                try await send(
                    messages, format: asked, schemaName: schemaName, schema: schema, purpose: purpose)
            }
            switch outcome {
            case .success(let completion):
                return completion
            case .failure(let error):
                guard let fallback = asked.fallback, case .formatRefused = error else {
                    throw error.llmError
                }
                format.withLock { current in
                    if current == asked {
                        current = fallback
                    }
                }
            }
        }
    }

    private enum SendFailure: Error {
        case formatRefused(LLMError)
        case failed(LLMError)

        var llmError: LLMError {
            switch self {
            case .formatRefused(let error), .failed(let error): error
            }
        }
    }

    private func send(
        _ messages: [ChatMessage],
        format: LLMResponseFormat,
        schemaName: String,
        schema: JSONValue,
        purpose: String
    ) async throws -> Result<ChatCompletion, SendFailure> {
        var request = HTTPClientRequest(url: settings.chatCompletionsURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        switch settings.provider {
        case .openAI where !settings.apiKey.isEmpty:
            request.headers.add(name: "Authorization", value: "Bearer \(settings.apiKey)")
        case .azure:
            request.headers.add(name: "api-key", value: settings.apiKey)
        case .openAI:
            break
        }
        let body = RequestBody(
            model: settings.model,
            messages: messages,
            temperature: 0,
            maxTokens: Self.maximumReplyTokens,
            responseFormat: Self.responseFormat(format, schemaName: schemaName, schema: schema)
        )
        request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))

        let clock = ContinuousClock()
        let started = clock.now
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await httpClient.execute(
                request, deadline: .now() + Self.timeAmount(settings.timeout))
            bytes = try await response.body.collect(upTo: Self.maximumBodyBytes)
        } catch {
            return .failure(.failed(try transportError(error)))
        }
        let latency = clock.now - started
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else {
            return .failure(failure(status: status, headers: response.headers, body: bytes, format: format))
        }
        guard let decoded = try? JSONDecoder().decode(ResponseBody.self, from: Data(bytes.readableBytesView)),
            let content = decoded.choices.first?.message.content
        else {
            return .failure(
                .failed(.invalidAnswer("the server's reply is not a chat completion with a message")))
        }
        let usage = ModelCall(
            purpose: purpose,
            model: decoded.model ?? settings.model,
            promptTokens: decoded.usage?.promptTokens,
            completionTokens: decoded.usage?.completionTokens,
            latencyMilliseconds: Int(latency / .milliseconds(1))
        )
        return .success(ChatCompletion(content: content, usage: usage))
    }

    private func transportError(_ error: any Error) throws -> LLMError {
        if error is CancellationError || Task.isCancelled {
            throw CancellationError()
        }
        if let error = error as? HTTPClientError,
            [.deadlineExceeded, .readTimeout, .connectTimeout, .cancelled].contains(error)
        {
            return .timedOut(after: settings.timeout)
        }
        return .transport(redacted(String(describing: error)))
    }

    private func failure(
        status: Int,
        headers: HTTPHeaders,
        body: ByteBuffer,
        format: LLMResponseFormat
    ) -> SendFailure {
        let text = String(buffer: body)
        let lowercased = text.lowercased()
        if [400, 422, 500].contains(status), format != .none,
            lowercased.contains("response_format") || lowercased.contains("json_schema")
        {
            return .formatRefused(.rejected(status: status, message: excerpt(text)))
        }
        switch status {
        case 401, 403:
            return .failed(.unauthorized(status: status, setting: "LLM_API_KEY"))
        case 404:
            let setting =
                settings.provider == .azure
                ? "LLM_MODEL (the Azure deployment's name) and LLM_BASE_URL"
                : "LLM_MODEL and LLM_BASE_URL"
            return .failed(.modelNotFound(setting: setting))
        case 429:
            return .failed(.rateLimited(retryAfter: RetryAfter.parse(headers)))
        case 408, 500...:
            return .failed(.server(status: status))
        default:
            return .failed(.rejected(status: status, message: excerpt(text)))
        }
    }

    private func excerpt(_ text: String) -> String {
        QuotedInput.quote(redacted(text))
    }

    private func redacted(_ text: String) -> String {
        settings.apiKey.isEmpty ? text : text.replacingOccurrences(of: settings.apiKey, with: "[key]")
    }

    private static func responseFormat(
        _ format: LLMResponseFormat,
        schemaName: String,
        schema: JSONValue
    ) -> JSONValue? {
        switch format {
        case .jsonSchema:
            .object([
                "type": .string("json_schema"),
                "json_schema": .object(["name": .string(schemaName), "schema": schema, "strict": .bool(true)]
                ),
            ])
        case .jsonObject:
            .object(["type": .string("json_object"), "schema": schema])
        case .none:
            nil
        }
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
