import Foundation

extension AssayJSON {
    /// The stored and served JSON of a submission's content: the bytes `encoder()` gives, written
    /// directly, without JSONEncoder's intermediate tree and key sorting.
    public static func encode(_ content: SubmissionContent) throws -> Data {
        var writer = JSONWriter(capacity: 256)
        try write(content, to: &writer)
        return Data(writer.bytes)
    }

    /// The stored and served JSON of an evaluation: the bytes `encoder()` gives, written directly.
    public static func encode(_ evaluation: Evaluation) throws -> Data {
        var writer = JSONWriter(capacity: 256 + 96 * evaluation.questions.count)
        try write(evaluation, to: &writer)
        return Data(writer.bytes)
    }

    /// The stored and served JSON of a report: the bytes `encoder()` gives, written directly.
    public static func encode(_ report: Report) throws -> Data {
        var writer = JSONWriter(capacity: 1024 + 256 * report.questions.count)
        try write(report, to: &writer)
        return Data(writer.bytes)
    }

    // The keys of each object below are in the order `.sortedKeys` puts them.

    private static func write(_ content: SubmissionContent, to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.key("answers")
        writer.beginArray()
        for answer in content.answers {
            writer.beginObject()
            writer.key("answer")
            switch answer.answer {
            case .text(let text): writer.string(text)
            case .choices(let choices): writer.strings(choices)
            case .number(let number): try writer.number(number)
            }
            writer.key("question_id")
            writer.string(answer.questionID)
            writer.endObject()
        }
        writer.endArray()
        writer.key("candidate")
        write(content.candidate, to: &writer)
        writer.endObject()
    }

    private static func write(_ candidate: Candidate, to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("email")
        writer.string(candidate.email)
        writer.key("name")
        writer.string(candidate.name)
        writer.endObject()
    }

    private static func write(_ evaluation: Evaluation, to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.key("assessment_id")
        writer.string(evaluation.assessmentID)
        writer.key("evaluated_at")
        writer.date(evaluation.evaluatedAt)
        writer.key("max_points")
        try writer.number(evaluation.maxPoints)
        if let modelCalls = evaluation.modelCalls {
            writer.key("model_calls")
            write(modelCalls, to: &writer)
        }
        writer.key("questions")
        writer.beginArray()
        for score in evaluation.questions {
            writer.beginObject()
            writer.key("feedback")
            writer.string(score.feedback)
            writer.key("max_points")
            try writer.number(score.maxPoints)
            writer.key("points")
            try writer.number(score.points)
            writer.key("question_id")
            writer.string(score.questionID)
            writer.endObject()
        }
        writer.endArray()
        writer.key("scorer")
        writer.string(evaluation.scorer)
        writer.key("submission_id")
        writer.string(evaluation.submissionID)
        writer.key("total_points")
        try writer.number(evaluation.totalPoints)
        writer.endObject()
    }

    private static func write(_ modelCalls: [ModelCall], to writer: inout JSONWriter) {
        writer.beginArray()
        for call in modelCalls {
            writer.beginObject()
            if let completionTokens = call.completionTokens {
                writer.key("completion_tokens")
                writer.integer(completionTokens)
            }
            writer.key("latency_ms")
            writer.integer(call.latencyMilliseconds)
            writer.key("model")
            writer.string(call.model)
            if let promptTokens = call.promptTokens {
                writer.key("prompt_tokens")
                writer.integer(promptTokens)
            }
            writer.key("purpose")
            writer.string(call.purpose)
            writer.endObject()
        }
        writer.endArray()
    }

    private static func write(_ report: Report, to writer: inout JSONWriter) throws {
        writer.beginObject()
        writer.key("assessment_id")
        writer.string(report.assessmentID)
        writer.key("assessment_title")
        writer.string(report.assessmentTitle)
        writer.key("candidate")
        write(report.candidate, to: &writer)
        writer.key("generated_at")
        writer.date(report.generatedAt)
        writer.key("improvements")
        writer.strings(report.improvements)
        writer.key("max_points")
        try writer.number(report.maxPoints)
        if let model = report.model {
            writer.key("model")
            writer.string(model)
        }
        if let modelCalls = report.modelCalls {
            writer.key("model_calls")
            write(modelCalls, to: &writer)
        }
        writer.key("passed")
        writer.bool(report.passed)
        writer.key("passing_percent")
        try writer.number(report.passingPercent)
        writer.key("percent")
        try writer.number(report.percent)
        writer.key("questions")
        writer.beginArray()
        for question in report.questions {
            writer.beginObject()
            writer.key("feedback")
            writer.string(question.feedback)
            writer.key("max_points")
            try writer.number(question.maxPoints)
            writer.key("points")
            try writer.number(question.points)
            writer.key("prompt")
            writer.string(question.prompt)
            writer.key("question_id")
            writer.string(question.questionID)
            writer.endObject()
        }
        writer.endArray()
        writer.key("scorer")
        writer.string(report.scorer)
        writer.key("skills")
        writer.beginArray()
        for skill in report.skills {
            writer.beginObject()
            writer.key("max_points")
            try writer.number(skill.maxPoints)
            writer.key("percent")
            try writer.number(skill.percent)
            writer.key("points")
            try writer.number(skill.points)
            writer.key("skill")
            writer.string(skill.skill)
            writer.endObject()
        }
        writer.endArray()
        writer.key("strengths")
        writer.strings(report.strengths)
        writer.key("submission_id")
        writer.string(report.submissionID)
        writer.key("summary")
        writer.string(report.summary)
        writer.key("total_points")
        try writer.number(report.totalPoints)
        writer.endObject()
    }
}
