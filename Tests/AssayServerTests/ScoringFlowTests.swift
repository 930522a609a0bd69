import AssayCore
import AssayTestSupport
import HTTPTypes
import HummingbirdTesting
import Testing

/// From submit to report, through the embedded worker.
@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct ScoringFlowTests {
    @Test func perfectAnswersScoreFullMarksAndPass() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionID = try await client.submitAccepted(SampleSubmissions.perfect)
            let report = try await client.report(of: submissionID)
            #expect(report.totalPoints == 11)
            #expect(report.maxPoints == 11)
            #expect(report.percent == 100)
            #expect(report.passed)
            #expect(report.questions.allSatisfy { $0.points == $0.maxPoints })
        }
    }

    @Test func emptyAnswersScoreNothingAndFail() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionID = try await client.submitAccepted(SampleSubmissions.empty)
            let report = try await client.report(of: submissionID)
            #expect(report.totalPoints == 0)
            #expect(report.maxPoints == 11)
            #expect(report.percent == 0)
            #expect(!report.passed)
            #expect(report.questions.count == 6)
            #expect(report.questions.allSatisfy { $0.points == 0 })
            #expect(report.skills.allSatisfy { $0.points == 0 })
        }
    }

    @Test func partlyRightAnswersScoreByTheRules() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let content = SampleSubmissions.answering(
                Answer(questionID: "q1", answer: .text("b")),
                Answer(questionID: "q2", answer: .choices(["a"])),
                Answer(questionID: "q3", answer: .number(3.34)),
                Answer(questionID: "q4", answer: .text("var")),
                Answer(questionID: "q6", answer: .text("I would use an actor.")))
            let submissionID = try await client.submitAccepted(content)
            let report = try await client.report(of: submissionID)
            let points = Dictionary(uniqueKeysWithValues: report.questions.map { ($0.questionID, $0.points) })
            #expect(points == ["q1": 1, "q2": 1, "q3": 1, "q4": 0, "q5": 0, "q6": 3])
            #expect(report.totalPoints == 6)
            #expect(report.percent == 54.5)
            #expect(!report.passed)
        }
    }

    @Test func concurrentSubmissionsAllEndWithAReport() async throws {
        try await AssayFixture.current().withApp(worker: true) { client in
            let submissionIDs = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<10 { group.addTask { try await client.submitAccepted() } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(submissionIDs).count == 10)
            for submissionID in submissionIDs {
                #expect(try await client.report(of: submissionID).percent == 100)
            }
        }
    }
}
