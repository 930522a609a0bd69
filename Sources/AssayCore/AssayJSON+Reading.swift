import Foundation

extension AssayJSON {
    /// A submission's content from its JSON, the value `decoder()` gives.
    ///
    /// A well-formed document is read directly, without JSONDecoder; anything else (malformed, of
    /// the wrong shape) goes to `decoder()`, whose value or error is returned.
    public static func decode(_ type: SubmissionContent.Type, from document: Data) throws -> SubmissionContent
    {
        if let value = JSONReader.read(document), let content = submissionContent(from: value) {
            return content
        }
        return try decoder().decode(type, from: document)
    }

    /// An evaluation from its JSON, the value `decoder()` gives.
    ///
    /// A well-formed document without model calls (the rubric scorer's) is read directly, without
    /// JSONDecoder; anything else goes to `decoder()`, whose value or error is returned.
    public static func decode(_ type: Evaluation.Type, from document: Data) throws -> Evaluation {
        if let value = JSONReader.read(document), let evaluation = evaluation(from: value) {
            return evaluation
        }
        return try decoder().decode(type, from: document)
    }

    private static func submissionContent(from value: JSONReader.Value) -> SubmissionContent? {
        guard let candidate = value["candidate"], let name = candidate["name"]?.string,
            let email = candidate["email"]?.string, let items = value["answers"]?.array
        else { return nil }
        var answers: [Answer] = []
        answers.reserveCapacity(items.count)
        for item in items {
            guard let questionID = item["question_id"]?.string, let answer = item["answer"] else {
                return nil
            }
            switch answer {
            case .string(let text):
                answers.append(Answer(questionID: questionID, answer: .text(text)))
            case .number(let number):
                answers.append(Answer(questionID: questionID, answer: .number(number)))
            case .array(let choices):
                let optionIDs = choices.compactMap(\.string)
                guard optionIDs.count == choices.count else { return nil }
                answers.append(Answer(questionID: questionID, answer: .choices(optionIDs)))
            default:
                return nil
            }
        }
        return SubmissionContent(candidate: Candidate(name: name, email: email), answers: answers)
    }

    private static func evaluation(from value: JSONReader.Value) -> Evaluation? {
        switch value["model_calls"] {
        case nil, .null?: break
        default: return nil
        }
        guard let submissionID = value["submission_id"]?.string,
            let assessmentID = value["assessment_id"]?.string, let scorer = value["scorer"]?.string,
            let totalPoints = value["total_points"]?.number, let maxPoints = value["max_points"]?.number,
            let evaluatedAt = value["evaluated_at"]?.string.flatMap(date(fromISO8601:)),
            let items = value["questions"]?.array
        else { return nil }
        var questions: [QuestionScore] = []
        questions.reserveCapacity(items.count)
        for item in items {
            guard let questionID = item["question_id"]?.string, let points = item["points"]?.number,
                let maxPoints = item["max_points"]?.number, let feedback = item["feedback"]?.string
            else { return nil }
            questions.append(
                QuestionScore(
                    questionID: questionID, points: points, maxPoints: maxPoints, feedback: feedback))
        }
        return Evaluation(
            submissionID: submissionID, assessmentID: assessmentID, scorer: scorer, questions: questions,
            totalPoints: totalPoints, maxPoints: maxPoints, evaluatedAt: evaluatedAt)
    }
}
