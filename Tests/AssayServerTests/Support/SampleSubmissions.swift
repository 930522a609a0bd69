import AssayCore

/// Submissions to the swift-basics sample assessment.
enum SampleSubmissions {
    static let ada = Candidate(name: "Ada Lovelace", email: "ada@example.com")

    /// Answers that earn every point of swift-basics (11 in all).
    static let perfectAnswers = [
        Answer(questionID: "q1", answer: .text("b")),
        Answer(questionID: "q2", answer: .choices(["a", "c"])),
        Answer(questionID: "q3", answer: .number(3.33)),
        Answer(questionID: "q4", answer: .text(" Let ")),
        Answer(questionID: "q5", answer: .text("b")),
        Answer(
            questionID: "q6",
            answer: .text(
                "Put the counter in an actor: its isolation serialises access, so there is no data race.")),
    ]

    static let perfect = SubmissionContent(candidate: ada, answers: perfectAnswers)
    static let empty = SubmissionContent(candidate: ada, answers: [])

    static func answering(_ answers: Answer..., candidate: Candidate = ada) -> SubmissionContent {
        SubmissionContent(candidate: candidate, answers: answers)
    }

    /// A valid assessment of short-text questions, as an admin would post it.
    static func assessmentJSON(id: String?, title: String = "Other test", questionIDs: [String] = ["q1"])
        -> String
    {
        let questions = questionIDs.map { questionID in
            """
            {"id": "\(questionID)", "kind": "short_text", "prompt": "Keyword for a constant?", "points": 1,
             "skills": ["swift"], "accepted": ["let"]}
            """
        }
        let idField = id.map { "\"id\": \"\($0)\", " } ?? ""
        return """
            {\(idField)"title": "\(title)", "passing_percent": 50, "questions": [\(questions.joined(separator: ", "))]}
            """
    }
}
