import AssayCore
import Foundation
import Testing

@Suite("Assessment JSON")
struct AssessmentCodingTests {
    @Test("the DESIGN.md example decodes into the expected value and round-trips")
    func designExampleRoundTrip() throws {
        let assessment = try TestFixtures.decode(Assessment.self, from: TestFixtures.designExampleJSON)
        #expect(assessment.id == "swift-basics")
        #expect(assessment.passingPercent == 70)
        #expect(assessment.questions.map(\.body.kind) == QuestionBody.kinds)
        #expect(
            assessment.questions[0].body
                == .singleChoice(
                    options: [ChoiceOption(id: "a", text: "class"), ChoiceOption(id: "b", text: "struct")],
                    correct: "b"))
        #expect(assessment.questions[2].body == .numeric(answer: 3.14, tolerance: 0.01))
        #expect(assessment.questions[2].skills == [])
        #expect(
            assessment.questions[4].body
                == .freeText(rubric: [
                    RubricCriterion(id: "c1", description: "Uses an actor", points: 3, keywords: ["actor"]),
                    RubricCriterion(
                        id: "c2", description: "Mentions isolation", points: 2, keywords: ["isolation"]),
                ]))
        #expect(assessment.maxPoints == 10)
        try assessment.validate()

        let reencoded = try AssayJSON.encoder().encode(assessment)
        #expect(try AssayJSON.decoder().decode(Assessment.self, from: reencoded) == assessment)
    }

    @Test("Examples/swift-basics.json is valid, has every kind and round-trips")
    func swiftBasicsExample() throws {
        let data = try Data(contentsOf: TestFixtures.exampleURL("swift-basics.json"))
        let assessment = try AssayJSON.decoder().decode(Assessment.self, from: data)
        try assessment.validate()
        #expect(assessment.id == "swift-basics")
        #expect(assessment.title == "Swift basics")
        #expect(assessment.passingPercent == 70)
        #expect(Set(assessment.questions.map(\.body.kind)) == Set(QuestionBody.kinds))
        #expect(Set(assessment.questions.flatMap(\.skills)) == ["swift", "concurrency", "types"])
        let reencoded = try AssayJSON.encoder().encode(assessment)
        #expect(try AssayJSON.decoder().decode(Assessment.self, from: reencoded) == assessment)
    }

    @Test("a question encodes to the flat form with its kind's fields only")
    func flatQuestionEncoding() throws {
        let json = try TestFixtures.encodedText(TestFixtures.numeric)
        #expect(
            json == #"{"answer":3.14,"id":"q3","kind":"numeric","points":1,"prompt":"Pi to two decimals?","#
                + #""skills":["math"],"tolerance":0.01}"#)
    }

    @Test("the encoder sorts keys and writes snake_case keys")
    func encoderKeys() throws {
        let json = try TestFixtures.encodedText(TestFixtures.assessment)
        #expect(
            json.hasPrefix(
                #"{"description":"One question of each kind.","id":"sample","passing_percent":70,"#))
    }

    @Test("dates are ISO 8601 with fractional seconds, and the decoder also reads them without")
    func dates() throws {
        let date = Date(timeIntervalSince1970: 1_700_000_000.25)
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: "a", scorer: "rubric", questions: [], evaluatedAt: date)
        let json = try TestFixtures.encodedText(evaluation)
        #expect(json.contains(#""evaluated_at":"2023-11-14T22:13:20.250Z""#))
        #expect(try TestFixtures.decode(Evaluation.self, from: json) == evaluation)

        let withoutFraction = json.replacingOccurrences(of: "20.250Z", with: "20Z")
        let decoded = try TestFixtures.decode(Evaluation.self, from: withoutFraction)
        #expect(decoded.evaluatedAt == Date(timeIntervalSince1970: 1_700_000_000))

        let bad = json.replacingOccurrences(of: "2023-11-14T22:13:20.250Z", with: "yesterday")
        let error = #expect(throws: DecodingError.self) {
            try TestFixtures.decode(Evaluation.self, from: bad)
        }
        #expect(TestFixtures.debugDescription(of: error)?.contains("'yesterday' is not ISO 8601") == true)
    }

    @Test("description and passing_percent have defaults; skills default to none")
    func defaults() throws {
        let assessment = try TestFixtures.decode(
            Assessment.self,
            from: """
                {"id": "x", "title": "X", "questions": [
                  {"id": "q1", "kind": "numeric", "prompt": "2 + 2?", "points": 1, "answer": 4}]}
                """)
        #expect(assessment.description == "")
        #expect(assessment.passingPercent == 60)
        #expect(assessment.questions[0].skills == [])
        #expect(assessment.questions[0].body == .numeric(answer: 4, tolerance: 0))
    }

    @Test("an unknown kind names the kind and the kinds there are")
    func unknownKind() {
        let error = #expect(throws: DecodingError.self) {
            try TestFixtures.decode(
                Question.self, from: #"{"id": "q1", "kind": "essay", "prompt": "Write.", "points": 1}"#)
        }
        #expect(
            TestFixtures.debugDescription(of: error)
                == "question kind 'essay' is not one of single_choice, multiple_choice, numeric, short_text, free_text"
        )
    }

    @Test(
        "a missing kind-specific field is named",
        arguments: [
            (
                #""kind": "single_choice", "options": [{"id": "a", "text": "A"}]"#,
                #"question 'q1' (single_choice) needs "correct""#
            ),
            (#""kind": "single_choice", "correct": "a""#, #"question 'q1' (single_choice) needs "options""#),
            (
                #""kind": "multiple_choice", "options": []"#,
                #"question 'q1' (multiple_choice) needs "correct""#
            ),
            (#""kind": "numeric""#, #"question 'q1' (numeric) needs "answer""#),
            (#""kind": "short_text""#, #"question 'q1' (short_text) needs "accepted""#),
            (#""kind": "free_text""#, #"question 'q1' (free_text) needs "rubric""#),
            (#""skills": []"#, #"question 'q1' needs "kind""#),
        ]
    )
    func missingField(fields: String, expected: String) {
        let json = #"{"id": "q1", "prompt": "?", "points": 1, "# + fields + "}"
        let error = #expect(throws: DecodingError.self) { try TestFixtures.decode(Question.self, from: json) }
        #expect(TestFixtures.debugDescription(of: error)?.hasPrefix(expected) == true)
    }

    @Test("a field of the wrong type says what it should be")
    func wrongFieldType() {
        let json =
            #"{"id": "q1", "kind": "multiple_choice", "prompt": "?", "points": 1, "options": [], "correct": "a"}"#
        let error = #expect(throws: DecodingError.self) { try TestFixtures.decode(Question.self, from: json) }
        #expect(
            TestFixtures.debugDescription(of: error)
                == #"question 'q1' (multiple_choice): "correct" must be an array of the correct option ids"#)
    }
}
