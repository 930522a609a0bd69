import AssayCore
import AssayStore
import AssayTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import JobQueue
import NIOCore
import Testing

/// The dead-letter routes and the queue status an admin uses to find, retry and discard dead jobs.
@Suite(.assayFixture, .timeLimit(.minutes(5)))
struct DeadLetterRoutesTests {
    /// `POST /api/admin/queue/dead-letters/retry` answers this.
    private struct RetriedBody: Decodable {
        var retried: Int
    }

    private static let scoring = "scoring-jobs"
    private static let report = "report-jobs"

    // MARK: Listing

    @Test func listingShowsEachDeadJobWithItsPayloadAndErrorHistory() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            let submissionID = try await client.submitAccepted()
            let dead = try await fixture.failNextJob(message: "scorer exploded")

            let response = try await client.admin(.get, "/api/admin/queue/dead-letters")
            #expect(response.status == .ok)
            let page = try response.decoded(as: PageBody<DeadJobBody>.self)
            #expect(page.total == 1)
            #expect(page.limit == 50)
            #expect(page.offset == 0)
            let item = try #require(page.items.first)
            #expect(item.jobID == dead.id)
            #expect(item.queue == Self.scoring)
            #expect(item.kind == "score-submission")
            #expect(item.payload == ["submission_id": submissionID])
            #expect(item.dedupeKey == submissionID)
            #expect(item.state == "dead")
            #expect(item.attempt == 1)
            #expect(item.maxAttempts == 4)
            #expect(item.errors.map(\.attempt) == [1])
            #expect(item.errors.map(\.message) == ["scorer exploded"])

            let object = try response.jsonObject()
            let items = try #require(object["items"] as? [[String: Any]])
            let fields = try #require(items.first)
            #expect(
                Set(fields.keys) == [
                    "job_id", "queue", "kind", "payload", "dedupe_key", "state", "attempt", "max_attempts",
                    "run_at", "errors", "created_at", "updated_at",
                ])
            #expect(fields["payload"] is [String: Any], "the payload is the JSON object, not a string")
        }
    }

    @Test func listingIsEmptyWhileNoJobIsDead() async throws {
        try await AssayFixture.current().withApp { client in
            _ = try await client.submitAccepted()
            let page = try await client.admin(.get, "/api/admin/queue/dead-letters")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(page.items.isEmpty)
            #expect(page.total == 0)
        }
    }

    @Test func listingPutsTheNewestFailureFirstAndPages() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            for _ in 0..<3 { _ = try await client.submitAccepted() }
            var failed: [String] = []
            for _ in 0..<3 { failed.append(try await fixture.failNextJob().id) }

            let all = try await client.admin(.get, "/api/admin/queue/dead-letters")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(all.items.map(\.jobID) == failed.reversed())

            let first = try await client.admin(.get, "/api/admin/queue/dead-letters?limit=2")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(first.total == 3)
            #expect(first.limit == 2)
            #expect(first.items.map(\.jobID) == [failed[2], failed[1]])
            let second = try await client.admin(.get, "/api/admin/queue/dead-letters?limit=2&offset=2")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(second.total == 3)
            #expect(second.offset == 2)
            #expect(second.items.map(\.jobID) == [failed[0]])
            let beyond = try await client.admin(.get, "/api/admin/queue/dead-letters?offset=3")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(beyond.items.isEmpty)
            #expect(beyond.total == 3)
        }
    }

    @Test(arguments: ["limit=0", "limit=501", "limit=ten", "offset=-1"])
    func listingRejectsABadPage(query: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/queue/dead-letters?\(query)")
            try expectError(response, status: .badRequest, code: "invalid_query")
        }
    }

    @Test func listingFiltersByQueue() async throws {
        let fixture = try AssayFixture.current()
        let (reportSubmission, scoringSubmissions) = try await fixture.makeDeadJobsInBothQueues()
        try await fixture.withApp { client in
            let all = try await client.admin(.get, "/api/admin/queue/dead-letters")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(all.total == 3)

            let scoring = try await client.admin(.get, "/api/admin/queue/dead-letters?queue=scoring-jobs")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(scoring.total == 2)
            #expect(scoring.items.allSatisfy { $0.queue == Self.scoring && $0.kind == "score-submission" })
            #expect(Set(scoring.items.compactMap { $0.payload["submission_id"] }) == Set(scoringSubmissions))

            let report = try await client.admin(.get, "/api/admin/queue/dead-letters?queue=report-jobs")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(report.total == 1)
            let item = try #require(report.items.first)
            #expect(item.queue == Self.report)
            #expect(item.kind == "build-report")
            #expect(item.payload == ["submission_id": reportSubmission])
        }
    }

    @Test(arguments: ["nope", "", "SCORING-JOBS"])
    func listingRejectsAnUnknownQueue(queue: String) async throws {
        try await AssayFixture.current().withApp { client in
            let response = try await client.admin(.get, "/api/admin/queue/dead-letters?queue=\(queue)")
            try expectError(response, status: .badRequest, code: "invalid_query")
        }
    }

    // MARK: One job

    @Test func showAnswersTheDeadJob() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            let submissionID = try await client.submitAccepted()
            let dead = try await fixture.failNextJob(message: "scorer exploded")

            let response = try await client.admin(.get, "/api/admin/queue/dead-letters/\(dead.id)")
            #expect(response.status == .ok)
            let job = try response.decoded(as: DeadJobBody.self)
            #expect(job.jobID == dead.id)
            #expect(job.state == "dead")
            #expect(job.payload == ["submission_id": submissionID])
            #expect(job.errors.map(\.message) == ["scorer exploded"])
            #expect(job.createdAt <= job.updatedAt)
        }
    }

    @Test func showRetryAndDiscardAnswer404ForAJobThatIsNotDead() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            _ = try await client.submitAccepted()
            let claimed = try await fixture.store.jobs.claimNextJobs(
                queue: Self.scoring, limit: 1, owner: "test", leaseDuration: .seconds(30))
            let live = try #require(claimed.first?.lease)
            try await fixture.store.jobs.release(live)

            try expectError(
                try await client.admin(.get, "/api/admin/queue/dead-letters/\(live.jobID)"),
                status: .notFound, code: "not_found")
            try expectError(
                try await client.admin(.post, "/api/admin/queue/dead-letters/\(live.jobID)/retry"),
                status: .notFound, code: "not_found")
            try expectError(
                try await client.admin(.delete, "/api/admin/queue/dead-letters/\(live.jobID)"),
                status: .notFound, code: "not_found")

            let untouched = try #require(try await fixture.store.jobs.job(id: live.jobID))
            #expect(untouched.state == .available)
            #expect(untouched.attempt == 0)
        }
    }

    @Test(arguments: [HTTPRequest.Method.get, .post, .delete])
    func unknownJobAnswers404NamingIt(method: HTTPRequest.Method) async throws {
        try await AssayFixture.current().withApp { client in
            let path = "/api/admin/queue/dead-letters/no-such-job" + (method == .post ? "/retry" : "")
            let response = try await client.admin(method, path)
            try expectError(response, status: .notFound, code: "not_found")
            #expect(response.text.contains("no-such-job"))
        }
    }

    // MARK: Retry

    @Test func retryGivesTheJobFreshAttemptsKeepsItsHistoryAndTheWorkerFinishesIt() async throws {
        let fixture = try AssayFixture.current()
        let (submissionID, jobID) = try await fixture.withApp { client in
            let submissionID = try await client.submitAccepted()
            let dead = try await fixture.failNextJob(message: "scorer exploded")
            #expect(try await client.submissionStatus(of: submissionID) == "failed")

            let response = try await client.admin(.post, "/api/admin/queue/dead-letters/\(dead.id)/retry")
            #expect(response.status == .ok)
            let job = try response.decoded(as: DeadJobBody.self)
            #expect(job.jobID == dead.id)
            #expect(job.state == "available")
            #expect(
                job.attempt == 2, "one past the dead attempt: no attempt number, nor MessageId, is used twice"
            )
            #expect(job.maxAttempts == 6, "four fresh attempts, as the job was first given")
            #expect(job.errors.map(\.attempt) == [1])
            #expect(job.errors.map(\.message) == ["scorer exploded"])
            #expect(abs(job.runAt.timeIntervalSinceNow) < 60, "run at: \(job.runAt)")

            #expect(
                try await client.submissionStatus(of: submissionID) == "scoring", "its scoring started before"
            )
            try expectError(
                try await client.admin(.get, "/api/admin/queue/dead-letters/\(dead.id)"),
                status: .notFound, code: "not_found")
            try expectError(
                try await client.admin(.post, "/api/admin/queue/dead-letters/\(dead.id)/retry"),
                status: .notFound, code: "not_found")
            let waiting = try await client.queueStatus().queues[Self.scoring]
            #expect(waiting?.activeMessages == 1)
            #expect(waiting?.deadLetterMessages == 0)
            return (submissionID, dead.id)
        }

        try await fixture.withApp(worker: true) { client in
            let report = try await client.report(of: submissionID)
            #expect(report.submissionID == submissionID)
            #expect(report.percent == 100)
        }
        let finished = try #require(try await fixture.store.jobs.job(id: jobID))
        #expect(finished.state == .completed)
        #expect(finished.attempt == 3)
        #expect(finished.errors.map(\.message) == ["scorer exploded"])
    }

    @Test func aJobThatDiesAgainAfterARetryKeepsBothFailuresOldestFirst() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            _ = try await client.submitAccepted()
            let dead = try await fixture.failNextJob(message: "first failure")
            #expect(
                try await client.admin(.post, "/api/admin/queue/dead-letters/\(dead.id)/retry").status == .ok)
            let again = try await fixture.failNextJob(message: "second failure")
            #expect(again.id == dead.id)

            let job = try await client.admin(.get, "/api/admin/queue/dead-letters/\(dead.id)")
                .decoded(as: DeadJobBody.self)
            #expect(job.attempt == 3)
            #expect(job.errors.map(\.message) == ["first failure", "second failure"])
            #expect(job.errors[0].failedAt <= job.errors[1].failedAt)
        }
    }

    @Test func retryAllRetriesTheDeadJobsOfOneQueueOrOfEveryQueue() async throws {
        let fixture = try AssayFixture.current()
        let (reportSubmission, scoringSubmissions) = try await fixture.makeDeadJobsInBothQueues()
        try await fixture.withApp { client in
            try expectError(
                try await client.admin(.post, "/api/admin/queue/dead-letters/retry?queue=nope"),
                status: .badRequest, code: "invalid_query")

            let reportOnly = try await client.admin(
                .post, "/api/admin/queue/dead-letters/retry?queue=report-jobs")
            #expect(reportOnly.status == .ok)
            #expect(try reportOnly.decoded(as: RetriedBody.self).retried == 1)
            var status = try await client.queueStatus()
            #expect(status.queues[Self.report]?.deadLetterMessages == 0)
            #expect(status.queues[Self.report]?.activeMessages == 1)
            #expect(status.queues[Self.scoring]?.deadLetterMessages == 2)
            #expect(try await client.submissionStatus(of: reportSubmission) == "reporting")

            let everything = try await client.admin(.post, "/api/admin/queue/dead-letters/retry")
            #expect(try everything.decoded(as: RetriedBody.self).retried == 2)
            status = try await client.queueStatus()
            #expect(status.queues[Self.scoring]?.deadLetterMessages == 0)
            #expect(status.queues[Self.scoring]?.activeMessages == 2)
            for submissionID in scoringSubmissions {
                #expect(
                    try await client.submissionStatus(of: submissionID) == "scoring",
                    "its scoring started before")
            }

            let nothingLeft = try await client.admin(.post, "/api/admin/queue/dead-letters/retry")
            #expect(try nothingLeft.decoded(as: RetriedBody.self).retried == 0)
            #expect(Set(try nothingLeft.jsonObject().keys) == ["retried"])
            let page = try await client.admin(.get, "/api/admin/queue/dead-letters")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(page.total == 0)
        }
        try await fixture.withApp(worker: true) { client in
            try await client.waitUntilCompleted(
                reportSubmission, scoringSubmissions[0], scoringSubmissions[1])
        }
    }

    // MARK: Discard

    @Test func discardDeletesTheDeadJobForGood() async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            let submissionID = try await client.submitAccepted()
            let dead = try await fixture.failNextJob()
            #expect(try await client.queueStatus().queues[Self.scoring]?.deadLetterMessages == 1)

            let response = try await client.admin(.delete, "/api/admin/queue/dead-letters/\(dead.id)")
            #expect(response.status == .noContent)
            #expect(response.body.readableBytes == 0)

            try expectError(
                try await client.admin(.get, "/api/admin/queue/dead-letters/\(dead.id)"),
                status: .notFound, code: "not_found")
            try expectError(
                try await client.admin(.delete, "/api/admin/queue/dead-letters/\(dead.id)"),
                status: .notFound, code: "not_found")
            let page = try await client.admin(.get, "/api/admin/queue/dead-letters")
                .decoded(as: PageBody<DeadJobBody>.self)
            #expect(page.total == 0)
            #expect(page.items.isEmpty)
            #expect(try await client.queueStatus().queues[Self.scoring]?.deadLetterMessages == 0)
            #expect(try await fixture.store.jobs.job(id: dead.id) == nil)
            #expect(try await client.submissionStatus(of: submissionID) == "failed")
        }
    }

    // MARK: Admin token

    @Test(
        arguments: [
            (HTTPRequest.Method.get, "/api/admin/queue/status"),
            (.get, "/api/admin/queue/dead-letters"),
            (.get, "/api/admin/queue/dead-letters/JOB"),
            (.post, "/api/admin/queue/dead-letters/JOB/retry"),
            (.post, "/api/admin/queue/dead-letters/retry"),
            (.delete, "/api/admin/queue/dead-letters/JOB"),
        ])
    func everyQueueRouteNeedsTheAdminToken(method: HTTPRequest.Method, path: String) async throws {
        let fixture = try AssayFixture.current()
        try await fixture.withApp { client in
            _ = try await client.submitAccepted()
            let dead = try await fixture.failNextJob()
            let uri = path.replacingOccurrences(of: "JOB", with: dead.id)

            let anonymous = try await client.execute(uri: uri, method: method)
            try expectError(anonymous, status: .unauthorized, code: "unauthorized")
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            let wrongToken = try await client.execute(
                uri: uri, method: method, headers: [.authorization: "Bearer not-the-admin-token"])
            try expectError(wrongToken, status: .unauthorized, code: "unauthorized")

            let job = try #require(try await fixture.store.jobs.job(id: dead.id))
            #expect(job.state == .dead, "a refused request changes nothing")
        }
    }

    // MARK: Queue status

    @Test func queueStatusCountsDeadJobsPerQueue() async throws {
        let fixture = try AssayFixture.current()
        _ = try await fixture.makeDeadJobsInBothQueues()
        try await fixture.withApp { client in
            _ = try await client.submitAccepted()
            let status = try await client.queueStatus()
            #expect(
                status.queues[Self.scoring]
                    == QueueStatusBody.Counts(
                        activeMessages: 1, scheduledMessages: 0, deadLetterMessages: 2, running: 0,
                        completedLastHour: 1))
            #expect(
                status.queues[Self.report]
                    == QueueStatusBody.Counts(
                        activeMessages: 0, scheduledMessages: 0, deadLetterMessages: 1, running: 0,
                        completedLastHour: 0))
        }
    }

    @Test func queueStatusListsARunningWorkerWithTheQueuesItServes() async throws {
        let fixture = try AssayFixture.current()
        let host = ProcessInfo.processInfo.hostName
        let processID = Int(ProcessInfo.processInfo.processIdentifier)
        let first = try await fixture.withApp(worker: true) { client in
            let workers = try await client.aliveWorkers(count: 1)
            let worker = try #require(workers.first)
            #expect(worker.queues == [Self.scoring, Self.report])
            #expect(worker.workerID.hasPrefix("\(host)-\(processID)-"), "worker id: \(worker.workerID)")
            #expect(worker.host == host)
            #expect(worker.processID == processID)
            #expect(worker.startedAt <= worker.lastSeenAt)
            #expect(abs(worker.lastSeenAt.timeIntervalSinceNow) < 15)
            return worker.workerID
        }

        try await fixture.withApp(workerQueues: [Self.scoring]) { client in
            let workers = try await client.aliveWorkers(count: 1)
            let worker = try #require(workers.first)
            #expect(worker.queues == [Self.scoring])
            #expect(worker.workerID != first, "each worker service has its own id")
        }

        try await fixture.withApp { client in
            let workers = try await client.admin(.get, "/api/admin/queue/status")
                .decoded(as: QueueWorkersBody.self).workers
            #expect(workers.isEmpty, "a worker that stopped is no longer listed: \(workers.map(\.workerID))")
        }
    }

    @Test func queueStatusLeavesOutWorkersNotSeenFor15Seconds() async throws {
        let fixture = try AssayFixture.current()
        let now = Date()
        for (workerID, secondsAgo) in [("fresh", 5.0), ("gone", 16.0)] {
            try await fixture.store.jobs.recordHeartbeat(
                WorkerHeartbeat(
                    workerID: workerID, queues: [Self.scoring], host: "elsewhere", processID: 42,
                    startedAt: now - 60, lastSeenAt: now - secondsAgo))
        }
        try await fixture.withApp { client in
            let workers = try await client.admin(.get, "/api/admin/queue/status")
                .decoded(as: QueueWorkersBody.self).workers
            #expect(workers.map(\.workerID) == ["fresh"])
            #expect(workers.first?.host == "elsewhere")
            #expect(workers.first?.processID == 42)
        }
    }
}
