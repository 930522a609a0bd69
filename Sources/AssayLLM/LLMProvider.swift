/// The kind of chat-completions server the client talks to, which decides the URL and the key's header.
public enum LLMProvider: String, Sendable, Equatable, CaseIterable {
    /// OpenAI, or any server of its API (llama.cpp, vLLM, Ollama): `POST {base}/chat/completions`,
    /// the key as `Authorization: Bearer …` (left out when the key is empty).
    case openAI = "openai"
    /// Azure OpenAI: `POST {base}/openai/deployments/{model}/chat/completions?api-version=…`, the
    /// key in the `api-key` header; the model setting names the deployment.
    case azure
}
