import Foundation

/// Where the model is and how to call it: the `LLM_*` settings.
///
/// The key is never part of the description, so settings can be logged:
///
/// ```swift
/// let settings = LLMSettings(baseURL: "http://127.0.0.1:8080/v1", apiKey: "", model: "smollm2")
/// print(settings)  // LLMSettings(provider: openai, base URL: http://127.0.0.1:8080/v1, …, key: none)
/// ```
public struct LLMSettings: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The Azure OpenAI API version used when none is given.
    public static let defaultAzureAPIVersion = "2024-10-21"

    /// `LLM_BASE_URL`: the API's root, such as `https://api.openai.com/v1` or, for Azure,
    /// `https://NAME.openai.azure.com`.
    public var baseURL: String
    /// `LLM_API_KEY`: sent in a header, never logged; empty for a local server without one.
    public var apiKey: String
    /// `LLM_MODEL`: the model's name, or the deployment's name on Azure.
    public var model: String
    /// `LLM_PROVIDER`: OpenAI-compatible (the default) or Azure.
    public var provider: LLMProvider
    /// `LLM_API_VERSION`: the Azure `api-version` query parameter; unused by other providers.
    public var apiVersion: String
    /// `LLM_TIMEOUT_SECONDS`: the longest one model call may take, answer included.
    public var timeout: Duration
    /// `LLM_MAX_CONCURRENCY`: model calls at once across the worker; at least 1.
    public var maxConcurrency: Int
    /// `LLM_RESPONSE_FORMAT`: the first format asked for; a refused one falls back once per process.
    public var responseFormat: LLMResponseFormat

    public init(
        baseURL: String,
        apiKey: String,
        model: String,
        provider: LLMProvider = .openAI,
        apiVersion: String = LLMSettings.defaultAzureAPIVersion,
        timeout: Duration = .seconds(60),
        maxConcurrency: Int = 8,
        responseFormat: LLMResponseFormat = .jsonSchema
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.provider = provider
        self.apiVersion = apiVersion
        self.timeout = timeout
        self.maxConcurrency = max(1, maxConcurrency)
        self.responseFormat = responseFormat
    }

    /// The settings without the key: only whether there is one.
    public var description: String {
        "LLMSettings(provider: \(provider.rawValue), base URL: \(baseURL), model: \(model), "
            + "timeout: \(timeout), max concurrency: \(maxConcurrency), "
            + "response format: \(responseFormat.rawValue), key: \(apiKey.isEmpty ? "none" : "set"))"
    }

    public var debugDescription: String { description }

    /// The chat-completions URL for these settings.
    var chatCompletionsURL: String {
        let root = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        switch provider {
        case .openAI:
            return root + "/chat/completions"
        case .azure:
            let deployment = model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? model
            let version =
                apiVersion.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? apiVersion
            return root + "/openai/deployments/\(deployment)/chat/completions?api-version=\(version)"
        }
    }
}
