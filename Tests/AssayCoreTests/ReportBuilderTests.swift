import AssayCore
import Foundation
import Testing

@Suite("Report building")
struct ReportBuilderTests {
    private static let generatedAt = Date(timeIntervalSince1970: 1_750_000_000)

    private func makeReport(
        _ answers: [String: AnswerValue],
        assessment: Assessment = TestFixtures.assessment,
        candidate: Candidate = TestFixtures.candidate
    ) -> Report {
        let content = TestFixtures.content(answers, candidate: candidate)
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: assessment.id, scorer: "rubric",
            questions: RubricScorer().score(content, for: assessment), evaluatedAt: Self.generatedAt)
        return ReportBuilder.build(
            submissionID: "s1", assessment: assessment, content: content, evaluation: evaluation,
            generatedAt: Self.generatedAt)
    }

    @Test("a report carries the ids, totals, percent and per-question lines")
    func basics() {
        let report = makeReport([
            "q1": .text("b"), "q2": .choices(["a", "b"]), "q3": .number(3.14), "q4": .text("let"),
        ])
        #expect(report.submissionID == "s1")
        #expect(report.assessmentID == "sample")
        #expect(report.assessmentTitle == "Sample")
        #expect(report.candidate == TestFixtures.candidate)
        #expect(report.totalPoints == 5)
        #expect(report.maxPoints == 11)
        #expect(report.percent == 45.5)
        #expect(report.passingPercent == 70)
        #expect(!report.passed)
        #expect(report.scorer == "rubric")
        #expect(report.generatedAt == Self.generatedAt)
        #expect(report.questions.map(\.questionID) == ["q1", "q2", "q3", "q4", "q5"])
        #expect(
            report.questions[1]
                == ReportQuestion(
                    questionID: "q2", prompt: "Pick a, b and c.", points: 2, maxPoints: 3,
                    feedback: "2 of 3 correct options chosen."))
    }

    @Test(
        "the candidate passes at exactly the passing percent and fails just under it",
        arguments: [(7.0, 70.0, true), (6.99, 69.9, false), (10.0, 100.0, true), (0.0, 0.0, false)]
    )
    func passedAtThreshold(points: Double, percent: Double, passed: Bool) {
        let assessment = Assessment(
            id: "threshold", title: "Threshold", passingPercent: 70,
            questions: [Question(id: "q1", prompt: "?", points: 10, body: .numeric(answer: 1, tolerance: 0))])
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: "threshold", scorer: "llm",
            questions: [QuestionScore(questionID: "q1", points: points, maxPoints: 10, feedback: "")],
            evaluatedAt: Self.generatedAt)
        let report = ReportBuilder.build(
            submissionID: "s1", assessment: assessment, content: TestFixtures.content(["q1": .number(1)]),
            evaluation: evaluation, generatedAt: Self.generatedAt)
        #expect(report.percent == percent)
        #expect(report.passed == passed)
    }

    @Test("skills sum their questions' points, sorted by name; questions without skills count toward none")
    func skills() {
        var assessment = TestFixtures.assessment
        assessment.questions[2].skills = ["math", "swift"]
        let report = makeReport(
            ["q1": .text("b"), "q2": .choices(["a"]), "q3": .number(3.14), "q5": .text("an actor")],
            assessment: assessment)
        #expect(
            report.skills == [
                SkillScore(skill: "concurrency", points: 3, maxPoints: 5, percent: 60),
                SkillScore(skill: "math", points: 1, maxPoints: 1, percent: 100),
                SkillScore(skill: "swift", points: 3, maxPoints: 5, percent: 60),
            ])
    }

    @Test("strengths are skills at 80% or more; improvements are skills under 50% and missed questions")
    func strengthsAndImprovements() {
        let report = makeReport([
            "q1": .text("b"), "q2": .choices(["a", "b", "c"]), "q3": .number(2), "q4": .text("let"),
        ])
        #expect(report.strengths == ["Strong in swift: 4 of 4 points (100.0%)."])
        #expect(
            report.improvements == [
                "Needs work on concurrency: 0 of 5 points (0.0%).",
                "Needs work on math: 0 of 1 points (0.0%).",
                "Question q3 (“Pi to two decimals?”) earned no points.",
                "Question q5 (“How do you avoid data races?”) was not answered.",
            ])
    }

    @Test("a skill at exactly 80% is a strength and one at exactly 50% is not an improvement")
    func skillBounds() {
        let assessment = Assessment(
            id: "bounds", title: "Bounds",
            questions: [
                Question(
                    id: "q1", prompt: "5?", points: 5, skills: ["strong"],
                    body: .numeric(answer: 5, tolerance: 0)),
                Question(
                    id: "q2", prompt: "2?", points: 2, skills: ["middle"],
                    body: .numeric(answer: 2, tolerance: 0)),
            ])
        let content = TestFixtures.content(["q1": .number(4), "q2": .number(1)])
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: "bounds", scorer: "llm",
            questions: [
                QuestionScore(questionID: "q1", points: 4, maxPoints: 5, feedback: ""),
                QuestionScore(questionID: "q2", points: 1, maxPoints: 2, feedback: ""),
            ],
            evaluatedAt: Self.generatedAt)
        let report = ReportBuilder.build(
            submissionID: "s1", assessment: assessment, content: content, evaluation: evaluation,
            generatedAt: Self.generatedAt)
        #expect(report.skills.map(\.percent) == [50, 80])
        #expect(report.strengths == ["Strong in strong: 4 of 5 points (80.0%)."])
        #expect(report.improvements == [])
    }

    @Test("without skills, strengths are the questions with full marks")
    func strengthsWithoutSkills() {
        var assessment = TestFixtures.assessment
        for index in assessment.questions.indices {
            assessment.questions[index].skills = []
        }
        let report = makeReport(
            ["q1": .text("b"), "q4": .text("Let"), "q2": .choices(["a"])], assessment: assessment)
        #expect(report.skills == [])
        #expect(
            report.strengths == [
                "Full marks on question q1 (“Pick b.”).",
                "Full marks on question q4 (“Keyword for a constant?”).",
            ])
        #expect(
            report.improvements == [
                "Question q3 (“Pi to two decimals?”) was not answered.",
                "Question q5 (“How do you avoid data races?”) was not answered.",
            ])
    }

    @Test("a long prompt is shortened in strengths and improvements")
    func longPrompt() {
        var assessment = TestFixtures.assessment
        assessment.questions[3].prompt = String(repeating: "very ", count: 20) + "long\nsecond line"
        let report = makeReport([:], assessment: assessment)
        let line = report.improvements.first { $0.hasPrefix("Question q4") }
        #expect(
            line == "Question q4 (“\(String(repeating: "very ", count: 11) + "very")…”) was not answered.")
    }

    @Test("the summary names the candidate, the score, the percent and the outcome")
    func summary() {
        let passed = makeReport(
            [
                "q1": .text("b"), "q2": .choices(["a", "b", "c"]), "q3": .number(3.14),
                "q5": .text("actor isolation"),
            ])
        #expect(passed.passed)
        #expect(
            passed.summary == "Ada Lovelace scored 10 of 11 points (90.9%) on Sample and passed (70% needed)."
        )

        let failed = makeReport(["q1": .text("b"), "q5": .text("an actor")])
        #expect(
            failed.summary
                == "Ada Lovelace scored 4 of 11 points (36.4%) on Sample and did not pass (70% needed). "
                + "Strongest in concurrency (60.0%), weakest in math (0.0%).")
    }

    @Test("a report round-trips through JSON with the documented keys")
    func json() throws {
        let report = makeReport(["q1": .text("b")])
        let data = try AssayJSON.encoder().encode(report)
        #expect(try AssayJSON.decoder().decode(Report.self, from: data) == report)
        let keys = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any]).keys
        #expect(
            Set(keys) == [
                "submission_id", "assessment_id", "assessment_title", "candidate", "total_points",
                "max_points",
                "percent", "passing_percent", "passed", "questions", "skills", "strengths", "improvements",
                "summary", "scorer", "generated_at",
            ])
    }

    @Test("the example submission to Examples/swift-basics.json is valid, scores as expected and passes")
    func example() throws {
        let decoder = AssayJSON.decoder()
        let assessment = try decoder.decode(
            Assessment.self, from: Data(contentsOf: TestFixtures.exampleURL("swift-basics.json")))
        let content = try decoder.decode(
            SubmissionContent.self,
            from: Data(contentsOf: TestFixtures.exampleURL("submissions/swift-basics.json")))
        try content.validate(against: assessment)
        let evaluation = Evaluation(
            submissionID: "s1", assessmentID: assessment.id, scorer: "rubric",
            questions: RubricScorer().score(content, for: assessment), evaluatedAt: Self.generatedAt)
        #expect(evaluation.questions.map(\.points) == [1, 1, 1, 1, 1, 5])
        #expect(evaluation.questions[1].feedback == "2 of 2 correct options chosen, 1 wrong.")
        #expect(evaluation.questions[5].feedback == "Met: c1 (uses actor), c2 (uses data race).")
        let report = ReportBuilder.build(
            submissionID: "s1", assessment: assessment, content: content, evaluation: evaluation,
            generatedAt: Self.generatedAt)
        #expect(
            report.summary
                == "Ada Lovelace scored 10 of 11 points (90.9%) on Swift basics and passed (70% needed). "
                + "Strongest in concurrency (100.0%), weakest in types (66.7%).")
        #expect(
            report.strengths == [
                "Strong in concurrency: 6 of 6 points (100.0%).", "Strong in swift: 3 of 3 points (100.0%).",
            ])
        #expect(report.skills.map(\.skill) == ["concurrency", "swift", "types"])
        #expect(report.improvements == [])
    }
}
