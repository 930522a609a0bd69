import AssayCore
import AssayLLM
import AssayTestSupport

/// The assessment and submissions the LLM tests score.
enum Fixtures {
    static let apiKey = "sk-test-SECRET-0123456789"

    static let rubric = [
        RubricCriterion(
            id: "c1", description: "Explains what an actor protects.", points: 3, keywords: ["actor"]),
        RubricCriterion(
            id: "c2", description: "Names data-race isolation.", points: 2, keywords: ["isolation"]),
    ]

    static let assessment = Assessment(
        id: "swift-llm",
        title: "Swift",
        questions: [
            Question(
                id: "q1", prompt: "Which keyword declares a constant?", points: 1,
                body: .singleChoice(
                    options: [ChoiceOption(id: "a", text: "var"), ChoiceOption(id: "b", text: "let")],
                    correct: "b")),
            Question(id: "q2", prompt: "Why use an actor?", points: 5, body: .freeText(rubric: rubric)),
            Question(
                id: "q3", prompt: "The keyword for a constant?", points: 1,
                body: .shortText(accepted: ["let"])),
        ]
    )

    static func submission(
        essay: String = "Actors serialise access to their state.", shortText: String = "constant"
    )
        -> SubmissionContent
    {
        SubmissionContent(
            candidate: Candidate(name: "Ada", email: "ada@example.com"),
            answers: [
                Answer(questionID: "q1", answer: .text("b")),
                Answer(questionID: "q2", answer: .text(essay)),
                Answer(questionID: "q3", answer: .text(shortText)),
            ]
        )
    }

    static func settings(
        baseURL: String,
        provider: LLMProvider = .openAI,
        timeout: Duration = .seconds(5),
        maxConcurrency: Int = 8,
        responseFormat: LLMResponseFormat = .jsonSchema
    ) -> LLMSettings {
        LLMSettings(
            baseURL: baseURL, apiKey: apiKey, model: "stub-model", provider: provider, timeout: timeout,
            maxConcurrency: maxConcurrency, responseFormat: responseFormat)
    }

    static func scorer(baseURL: String, modelScoresShortText: Bool = false) -> LLMScorer {
        LLMScorer(
            client: ChatCompletionsClient(settings: settings(baseURL: baseURL)),
            modelScoresShortText: modelScoresShortText)
    }
}
