import AssayCore
import Foundation

enum TestFixtures {
    // The assessment example of DESIGN.md, with its elisions filled in.
    static let designExampleJSON = """
        { "id": "swift-basics", "title": "Swift basics", "description": "The basics of Swift.", "passing_percent": 70,
          "questions": [
            { "id": "q1", "kind": "single_choice", "prompt": "Which is a value type?", "points": 1, "skills": ["swift"],
              "options": [{"id": "a", "text": "class"}, {"id": "b", "text": "struct"}], "correct": "b" },
            { "id": "q2", "kind": "multiple_choice", "prompt": "Which are value types?", "points": 2, "skills": ["swift"],
              "options": [{"id": "a", "text": "Int"}, {"id": "b", "text": "NSObject"}, {"id": "c", "text": "Array"}],
              "correct": ["a", "c"] },
            { "id": "q3", "kind": "numeric", "prompt": "Pi to two decimals?", "points": 1, "answer": 3.14, "tolerance": 0.01 },
            { "id": "q4", "kind": "short_text", "prompt": "Keyword for a constant?", "points": 1, "accepted": ["let"] },
            { "id": "q5", "kind": "free_text", "prompt": "How do you avoid data races?", "points": 5, "skills": ["concurrency"],
              "rubric": [{"id": "c1", "description": "Uses an actor", "points": 3, "keywords": ["actor"]},
                         {"id": "c2", "description": "Mentions isolation", "points": 2, "keywords": ["isolation"]}] } ] }
        """

    static func exampleURL(_ name: String) -> URL {
        URL(filePath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appending(path: "Examples/\(name)")
    }

    static let options = [
        ChoiceOption(id: "a", text: "A"),
        ChoiceOption(id: "b", text: "B"),
        ChoiceOption(id: "c", text: "C"),
        ChoiceOption(id: "d", text: "D"),
    ]

    static let singleChoice = Question(
        id: "q1", prompt: "Pick b.", points: 1, skills: ["swift"],
        body: .singleChoice(options: options, correct: "b"))
    static let multipleChoice = Question(
        id: "q2", prompt: "Pick a, b and c.", points: 3, skills: ["swift"],
        body: .multipleChoice(options: options, correct: ["a", "b", "c"]))
    static let numeric = Question(
        id: "q3", prompt: "Pi to two decimals?", points: 1, skills: ["math"],
        body: .numeric(answer: 3.14, tolerance: 0.01))
    static let shortText = Question(
        id: "q4", prompt: "Keyword for a constant?", points: 1,
        body: .shortText(accepted: ["let"]))
    static let freeText = Question(
        id: "q5", prompt: "How do you avoid data races?", points: 5, skills: ["concurrency"],
        body: .freeText(rubric: [
            RubricCriterion(id: "c1", description: "Uses an actor", points: 3, keywords: ["actor"]),
            RubricCriterion(
                id: "c2", description: "Names the problem", points: 2, keywords: ["data race", "isolation"]),
        ]))

    // A valid assessment with one question of each kind, 11 points in all.
    static let assessment = Assessment(
        id: "sample",
        title: "Sample",
        description: "One question of each kind.",
        passingPercent: 70,
        questions: [singleChoice, multipleChoice, numeric, shortText, freeText]
    )

    static let candidate = Candidate(name: "Ada Lovelace", email: "ada@example.com")

    static func content(_ answers: [String: AnswerValue], candidate: Candidate = candidate)
        -> SubmissionContent
    {
        SubmissionContent(
            candidate: candidate,
            answers: answers.sorted { $0.key < $1.key }.map { Answer(questionID: $0.key, answer: $0.value) }
        )
    }

    static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        try AssayJSON.decoder().decode(type, from: Data(json.utf8))
    }

    static func encodedText(_ value: some Encodable) throws -> String {
        String(decoding: try AssayJSON.encoder().encode(value), as: UTF8.self)
    }

    // The debug description of a decoding error, or nil for any other error.
    static func debugDescription(of error: (any Error)?) -> String? {
        switch error as? DecodingError {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context),
            .dataCorrupted(let context):
            context.debugDescription
        default:
            nil
        }
    }
}
