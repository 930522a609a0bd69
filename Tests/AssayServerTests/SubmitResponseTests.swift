import AssayCore
import Foundation
import Testing

@testable import AssayServer

@Suite("The answer to a submission")
struct SubmitResponseTests {
    @Test(
        "written directly, the same bytes as AssayJSON.encoder() writes",
        arguments: ["database", "service_bus"])
    func sameBytesAsTheEncoder(queueMode: String) throws {
        for id in ["0193a1b2-0000-7000-8000-000000000000", "a/b \" \u{7} é"] {
            let response = SubmitResponse(submissionID: id, queueMode: queueMode)
            #expect(response.json == (try AssayJSON.encoder().encode(response)))
        }
    }
}
