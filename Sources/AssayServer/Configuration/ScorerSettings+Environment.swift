import AssayCore
import AssayLLM
import AssayPipeline
import Foundation

extension ScorerSettings {
    /// `SCORER` and, for `llm`, the `LLM_*` settings: `LLM_BASE_URL` (an http or https URL) and
    /// `LLM_MODEL` are required, `LLM_API_KEY` too on Azure; each bad value is one line naming its
    /// variable, and the key is never quoted.
    init(_ reader: EnvironmentReader) throws(ConfigurationError) {
        switch try reader.choice("SCORER", default: ScorerChoice.rubric) {
        case .rubric:
            self = .rubric
        case .llm:
            guard let baseURL = try reader.optionalString("LLM_BASE_URL") else {
                throw ConfigurationError(
                    variable: "LLM_BASE_URL",
                    message:
                        "is required with SCORER=llm: the chat-completions API's root, such as http://127.0.0.1:8080/v1"
                )
            }
            guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme?.lowercased()),
                url.host != nil
            else {
                throw ConfigurationError(
                    variable: "LLM_BASE_URL",
                    message: "\(QuotedInput.quote(baseURL)) is not an http or https URL")
            }
            guard let model = try reader.optionalString("LLM_MODEL") else {
                throw ConfigurationError(
                    variable: "LLM_MODEL",
                    message: "is required with SCORER=llm: the model, or the Azure deployment")
            }
            let provider = try reader.choice("LLM_PROVIDER", default: LLMProvider.openAI)
            let apiKey = try reader.optionalString("LLM_API_KEY") ?? ""
            if provider == .azure, apiKey.isEmpty {
                throw ConfigurationError(
                    variable: "LLM_API_KEY", message: "is required with LLM_PROVIDER=azure")
            }
            self = .llm(
                LLMSettings(
                    baseURL: baseURL, apiKey: apiKey, model: model, provider: provider,
                    apiVersion: reader.string("LLM_API_VERSION", default: LLMSettings.defaultAzureAPIVersion),
                    timeout: .seconds(try reader.seconds("LLM_TIMEOUT_SECONDS", default: 60, in: 1...600)),
                    maxConcurrency: try reader.integer("LLM_MAX_CONCURRENCY", default: 8, in: 1...256),
                    responseFormat: try reader.choice(
                        "LLM_RESPONSE_FORMAT", default: LLMResponseFormat.jsonSchema)))
        }
    }
}
