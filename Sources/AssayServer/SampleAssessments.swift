import AssayCore
import AssayStore
import Foundation
import Logging

/// Loads the sample assessments (the `*.json` files of `Examples/`; sample submissions live apart,
/// in `Examples/submissions/`) into a store that has none. A file that is not a valid assessment is
/// skipped with a warning.
enum SampleAssessments {
    static func loadIfEmpty(into store: any AssayStore, directory: String, now: Date, logger: Logger)
        async throws
    {
        guard try await store.listAssessments(limit: 1, offset: 0).total == 0 else { return }
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                $0.hasSuffix(".json")
            }.sorted()
        } catch {
            logger.info("no sample assessments to load", metadata: ["directory": .string(directory)])
            return
        }
        for file in files {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(file)
            do {
                let assessment = try AssayJSON.decoder().decode(Assessment.self, from: Data(contentsOf: path))
                try assessment.validate()
                try await store.insertAssessment(assessment, at: now)
                logger.info("sample assessment loaded", metadata: ["assessment_id": .string(assessment.id)])
            } catch {
                logger.warning(
                    "sample assessment skipped",
                    metadata: ["file": .string(path.path), "error": .string("\(error)")])
            }
        }
    }
}
