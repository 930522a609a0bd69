import AssayCore
import Foundation
import Testing

@Suite("Input bounds: control characters, Unicode scalars, counts and quoted input")
struct InputBoundsTests {
    private let assessment = TestFixtures.assessment

    private func submissionError(_ content: SubmissionContent) -> ValidationError? {
        #expect(throws: ValidationError.self) { try content.validate(against: assessment) }
    }

    private func assessmentError(_ change: (inout Assessment) -> Void) -> ValidationError? {
        var broken = TestFixtures.assessment
        change(&broken)
        return #expect(throws: ValidationError.self) { try broken.validate() }
    }

    @Test(
        "NUL and other control characters in a submission are refused, naming the character",
        arguments: [
            (
                TestFixtures.content([:], candidate: Candidate(name: "Ada\u{0}", email: "ada@example.com")),
                "invalid_candidate", "the candidate's name holds a control character (U+0000)"
            ),
            (
                TestFixtures.content(
                    [:], candidate: Candidate(name: "A\u{1B}[31mda", email: "ada@example.com")),
                "invalid_candidate", "the candidate's name holds a control character (U+001B)"
            ),
            (
                TestFixtures.content([:], candidate: Candidate(name: "Ada", email: "ada\u{0}@example.com")),
                "invalid_candidate",
                "the candidate's email 'ada\\u{0}@example.com' is not an address like name@example.com"
            ),
            (
                TestFixtures.content(["q5": .text("an actor\u{0}")]), "invalid_answer",
                "the answer to question 'q5' holds a control character (U+0000)"
            ),
            (
                TestFixtures.content(["q4": .text("let\u{7F}")]), "invalid_answer",
                "the answer to question 'q4' holds a control character (U+007F)"
            ),
        ])
    func controlCharactersInSubmissions(content: SubmissionContent, code: String, message: String) {
        #expect(submissionError(content) == ValidationError(code: code, message: message))
    }

    @Test("a written answer keeps its tabs and line breaks, CRLF included")
    func proseKeepsLineBreaks() throws {
        try TestFixtures.content(["q5": .text("First:\tan actor.\r\nThen:\n isolation.")])
            .validate(against: assessment)
    }

    @Test(
        "text limits count Unicode scalars, not graphemes: one letter with 60,000 combining marks is too long"
    )
    func limitsCountScalars() {
        let zalgo = "e" + String(repeating: "\u{301}", count: 60_000)
        #expect(zalgo.count == 1)
        #expect(submissionError(TestFixtures.content(["q5": .text(zalgo)]))?.code == "answer_too_long")
        let name = "a" + String(repeating: "\u{301}", count: 200)
        #expect(
            submissionError(TestFixtures.content([:], candidate: Candidate(name: name, email: "a@b.c")))
                == ValidationError(
                    code: "invalid_candidate", message: "the candidate's name is longer than 200 characters"))
    }

    @Test("a candidate's name and email are kept trimmed, decoded or made")
    func candidateIsTrimmed() throws {
        let decoded = try TestFixtures.decode(
            Candidate.self, from: #"{"name": "  Ada Lovelace\t", "email": "\n ada@example.com  "}"#)
        #expect(decoded == Candidate(name: "Ada Lovelace", email: "ada@example.com"))
        #expect(try TestFixtures.encodedText(decoded).contains(#""name":"Ada Lovelace""#))
        let made = Candidate(name: " Ada ", email: " ada@example.com ")
        #expect(made.name == "Ada")
        #expect(made.email == "ada@example.com")
    }

    @Test("an assessment has at most 500 questions, 50 options a question and 50 rubric criteria")
    func boundedCounts() throws {
        func options(_ count: Int) -> [ChoiceOption] {
            (0..<count).map { ChoiceOption(id: "o\($0)", text: "Option \($0)") }
        }
        func rubric(_ count: Int) -> QuestionBody {
            .freeText(
                rubric: (0..<count).map {
                    RubricCriterion(id: "c\($0)", description: "", points: 5 / Double(count), keywords: ["k"])
                })
        }
        func questions(_ count: Int) -> [Question] {
            (0..<count).map {
                Question(id: "q\($0)", prompt: "?", points: 1, body: .shortText(accepted: ["a"]))
            }
        }
        var atTheBounds = TestFixtures.assessment
        atTheBounds.questions[0].body = .singleChoice(options: options(50), correct: "o1")
        atTheBounds.questions[4].body = rubric(50)
        try atTheBounds.validate()
        atTheBounds.questions = questions(500)
        try atTheBounds.validate()

        #expect(
            assessmentError { $0.questions = questions(501) }?.message
                == "assessment 'sample' has 501 questions; at most 500 are allowed")
        #expect(
            assessmentError { $0.questions[1].body = .multipleChoice(options: options(51), correct: ["o1"]) }?
                .message == "question 'q2' (multiple_choice) has 51 options; at most 50 are allowed")
        #expect(
            assessmentError { $0.questions[4].body = rubric(51) }?.message
                == "question 'q5' (free_text) has 51 rubric criteria; at most 50 are allowed")
    }

    private static func insertControlCharacter(into part: String, of assessment: inout Assessment) {
        switch part {
        case "the title": assessment.title = "Swift\u{0}"
        case "the description": assessment.description = "Basics\u{0}"
        case "the prompt": assessment.questions[0].prompt = "Pick\u{0}"
        case "skill": assessment.questions[0].skills = ["swift\u{1}"]
        case "option id":
            assessment.questions[0].body = .singleChoice(
                options: [ChoiceOption(id: "a\u{0}", text: "A"), ChoiceOption(id: "b", text: "B")],
                correct: "b")
        case "the text of option":
            assessment.questions[0].body = .singleChoice(
                options: [ChoiceOption(id: "a", text: "A\u{0}"), ChoiceOption(id: "b", text: "B")],
                correct: "b")
        case "an accepted answer": assessment.questions[3].body = .shortText(accepted: ["let\u{0}"])
        case "rubric criterion id":
            assessment.questions[4].body = .freeText(rubric: [
                RubricCriterion(id: "c\u{0}", description: "", points: 5, keywords: ["actor"])
            ])
        default:
            assessment.questions[4].body = .freeText(rubric: [
                RubricCriterion(id: "c1", description: "", points: 5, keywords: ["actor\u{0}"])
            ])
        }
    }

    @Test(
        "control characters are refused in an assessment's ids, names and prose",
        arguments: [
            "the title", "the description", "the prompt", "skill", "option id", "the text of option",
            "an accepted answer", "rubric criterion id", "a keyword",
        ])
    func controlCharactersInAssessments(part: String) {
        let error = assessmentError { Self.insertControlCharacter(into: part, of: &$0) }
        #expect(error?.code == "invalid_assessment")
        #expect(error?.message.contains(part) == true, "\(error?.message ?? "no error")")
        #expect(
            error?.message.hasSuffix("holds a control character (U+0000)") == true
                || error?.message.hasSuffix("holds a control character (U+0001)") == true)
    }

    @Test("prose in an assessment keeps its tabs and line breaks")
    func assessmentProseKeepsLineBreaks() throws {
        var assessment = TestFixtures.assessment
        assessment.description = "Line one.\r\nLine two."
        assessment.questions[0].prompt = "Read this:\n\tlet x = 1"
        try assessment.validate()
    }

    @Test("an error message quotes at most 200 characters of the input it refuses")
    func messagesQuoteAtMost200Characters() throws {
        let long = String(repeating: "x", count: 100_000)
        let quoted = "'" + String(repeating: "x", count: 200) + "…'"
        let messages = [
            submissionError(TestFixtures.content([long: .text("a")]))?.message,
            submissionError(TestFixtures.content(["q2": .choices([long])]))?.message,
            submissionError(TestFixtures.content([:], candidate: Candidate(name: "Ada", email: long)))?
                .message,
            assessmentError { $0.id = long }?.message,
            assessmentError { $0.questions[0].id = long }?.message,
            assessmentError {
                $0.questions[0].body = .singleChoice(options: TestFixtures.options, correct: long)
            }?
            .message,
        ]
        for message in messages {
            let message = try #require(message)
            #expect(message.contains(quoted))
            #expect(message.unicodeScalars.count < 300)
        }
        let badKind = #"{"id": "q1", "kind": "\#(long)", "prompt": "?", "points": 1}"#
        let decodingError = #expect(throws: DecodingError.self) {
            try TestFixtures.decode(Question.self, from: badKind)
        }
        let description = try #require(TestFixtures.debugDescription(of: decodingError))
        #expect(description.contains(quoted))
        #expect(description.unicodeScalars.count < 400)
    }

    @Test("a quoted input is cut after 200 scalars, with its control characters escaped")
    func quotedInput() {
        #expect(QuotedInput.quote("q9") == "'q9'")
        #expect(QuotedInput.quote("a\u{0}b\n") == "'a\\u{0}b\\u{a}'")
        #expect(
            QuotedInput.quote(String(repeating: "y", count: 200)) == "'" + String(repeating: "y", count: 200)
                + "'")
        #expect(
            QuotedInput.quote(String(repeating: "y", count: 201)) == "'" + String(repeating: "y", count: 200)
                + "…'")
    }
}
