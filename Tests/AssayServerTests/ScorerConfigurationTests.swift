import AssayLLM
import AssayPipeline
import AssayServer
import Testing

@Suite("SCORER and the LLM_* settings")
struct ScorerConfigurationTests {
    @Test("the rubric by default")
    func rubricByDefault() throws {
        #expect(try AssayConfiguration(environment: [:]).scorer == .rubric)
    }

    @Test("SCORER=llm reads every LLM_* setting")
    func llmSettings() throws {
        let configuration = try AssayConfiguration(environment: [
            "SCORER": "llm", "LLM_BASE_URL": "https://example.openai.azure.com", "LLM_MODEL": "grader",
            "LLM_API_KEY": "secret-key-123", "LLM_PROVIDER": "azure", "LLM_API_VERSION": "2025-01-01",
            "LLM_TIMEOUT_SECONDS": "12", "LLM_MAX_CONCURRENCY": "3", "LLM_RESPONSE_FORMAT": "json_object",
        ])
        #expect(
            configuration.scorer
                == .llm(
                    LLMSettings(
                        baseURL: "https://example.openai.azure.com", apiKey: "secret-key-123",
                        model: "grader",
                        provider: .azure, apiVersion: "2025-01-01", timeout: .seconds(12), maxConcurrency: 3,
                        responseFormat: .jsonObject)))
    }

    @Test(
        "a missing or bad LLM setting is one line naming it, never quoting the key",
        arguments: [
            (["SCORER": "llm", "LLM_MODEL": "m"], "LLM_BASE_URL"),
            (["SCORER": "llm", "LLM_BASE_URL": "ftp://x", "LLM_MODEL": "m"], "LLM_BASE_URL"),
            (["SCORER": "llm", "LLM_BASE_URL": "http://127.0.0.1:8080/v1"], "LLM_MODEL"),
            (
                [
                    "SCORER": "llm", "LLM_BASE_URL": "https://a.openai.azure.com", "LLM_MODEL": "m",
                    "LLM_PROVIDER": "azure",
                ],
                "LLM_API_KEY"
            ),
            (
                [
                    "SCORER": "llm", "LLM_BASE_URL": "http://h/v1", "LLM_MODEL": "m",
                    "LLM_API_KEY": "sk-do-not-print",
                    "LLM_MAX_CONCURRENCY": "0",
                ], "LLM_MAX_CONCURRENCY"
            ),
            (
                ["SCORER": "llm", "LLM_BASE_URL": "http://h/v1", "LLM_MODEL": "m", "LLM_PROVIDER": "vertex"],
                "LLM_PROVIDER"
            ),
            (
                [
                    "SCORER": "llm", "LLM_BASE_URL": "http://h/v1", "LLM_MODEL": "m",
                    "LLM_RESPONSE_FORMAT": "xml",
                ],
                "LLM_RESPONSE_FORMAT"
            ),
        ])
    func badSetting(environment: [String: String], variable: String) {
        do {
            _ = try AssayConfiguration(environment: environment)
            Issue.record("accepted \(environment)")
        } catch {
            #expect(error.variable == variable)
            #expect(!error.description.contains("sk-do-not-print"))
            #expect(!error.description.contains("\n"))
        }
    }
}
