import AssayCore
import Foundation
import Testing

@Suite("Candidate's view of an assessment")
struct CandidateAssessmentViewTests {
    private static let hiddenKeys = ["correct", "accepted", "keywords", "tolerance", "answer"]

    @Test("the encoded view has none of the answer keys", arguments: hiddenKeys)
    func leavesOutAnswers(key: String) throws {
        let full = try TestFixtures.encodedText(TestFixtures.assessment)
        let view = try TestFixtures.encodedText(CandidateAssessmentView(TestFixtures.assessment))
        #expect(full.contains("\"\(key)\":"))
        #expect(!view.contains("\"\(key)\":"))
    }

    @Test("the view keeps what the candidate needs, in the public format")
    func keepsTheRest() throws {
        let data = try AssayJSON.encoder().encode(CandidateAssessmentView(TestFixtures.assessment))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["id"] as? String == "sample")
        #expect(json["title"] as? String == "Sample")
        #expect(json["description"] as? String == "One question of each kind.")
        #expect(json["passing_percent"] as? Double == 70)
        let questions = try #require(json["questions"] as? [[String: Any]])
        #expect(questions.map { $0["id"] as? String } == ["q1", "q2", "q3", "q4", "q5"])
        #expect(questions.map { $0["kind"] as? String } == QuestionBody.kinds)
        #expect(questions[0]["prompt"] as? String == "Pick b.")
        #expect(questions[0]["skills"] as? [String] == ["swift"])
        #expect((questions[1]["options"] as? [[String: String]])?.map { $0["id"] } == ["a", "b", "c", "d"])
        #expect(Set(questions[2].keys) == ["id", "kind", "prompt", "points", "skills"])
        let rubric = try #require(questions[4]["rubric"] as? [[String: Any]])
        #expect(
            rubric.map { Set($0.keys) } == [
                ["id", "description", "points"], ["id", "description", "points"],
            ])
        #expect(rubric.map { $0["points"] as? Double } == [3, 2])
    }
}
