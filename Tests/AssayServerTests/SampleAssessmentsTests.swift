import AssayCore
import AssayStore
import AssayTestSupport
import Foundation
import Logging
import Testing

@testable import AssayServer

@Suite("Sample assessments at first start", .timeLimit(.minutes(5)))
struct SampleAssessmentsTests {
    /// The repository's `Examples/` folder.
    private static let examples = AssayFixture.sampleAssessmentURL.deletingLastPathComponent().path

    @Test("the Examples folder loads its sample assessment and warns about nothing")
    func examplesLoadWithoutAWarning() async throws {
        let database = try await TestDatabase.create(TestBackend.selected)
        let store = try await database.openStore()
        do {
            try await store.whileRunning {
                let (logger, entries) = RecordingLogHandler.logger()
                try await SampleAssessments.loadIfEmpty(
                    into: store, directory: Self.examples, now: Date(), logger: logger)
                let warnings = entries.all.filter { $0.level >= .warning }
                #expect(warnings.isEmpty, "\(warnings.map { "\($0.message) \($0.metadata)" })")
                let loaded = try await store.listAssessments(limit: 10, offset: 0)
                #expect(loaded.items.map(\.id) == [AssayFixture.sampleAssessmentID])
            }
        } catch {
            try? await database.drop()
            throw error
        }
        try await database.drop()
    }

    @Test("a sample submission lives apart from the assessments and is a valid submission to one")
    func sampleSubmissionIsApart() throws {
        let url = URL(fileURLWithPath: Self.examples).appendingPathComponent("submissions/swift-basics.json")
        let content = try AssayJSON.decoder().decode(SubmissionContent.self, from: Data(contentsOf: url))
        try content.validate(against: try AssayFixture.sampleAssessment())
    }
}
