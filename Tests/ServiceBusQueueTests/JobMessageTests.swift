import Foundation
import ServiceBusQueue
import Testing

@Suite("The message that carries a job attempt")
struct JobMessageTests {
    @Test("its body names the job, the attempt and the kind, and reads back")
    func roundTrip() throws {
        let message = JobMessage(jobID: "job-1", attempt: 2, kind: "scoring")
        let body = message.encoded()
        let fields = try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        #expect(fields["job_id"] as? String == "job-1")
        #expect(fields["attempt"] as? Int == 2)
        #expect(JobMessage(body: body) == message)
        #expect(message.messageID == "job-1:2")
    }

    @Test(
        "a body that is not a job message is told apart",
        arguments: [
            "", "{}", "[1]", #"{"job_id":"","attempt":0,"kind":"k"}"#,
            #"{"job_id":"j","attempt":-1,"kind":"k"}"#,
        ])
    func foreignBodies(body: String) {
        #expect(JobMessage(body: Data(body.utf8)) == nil)
    }
}
