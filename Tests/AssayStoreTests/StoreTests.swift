import AssayCore
import AssayStore
import AssayTestSupport
import Foundation
import JobQueue
import Testing

@Suite("Store, on every backend", .timeLimit(.minutes(5)))
struct StoreTests {
    @Test("a submission and its scoring job commit together", arguments: TestBackend.allCases)
    func submissionWithJob(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let new = fixture.newSubmission()
            let outcome = try await fixture.store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
            #expect(outcome == .created(try #require(try await fixture.store.submission(id: new.id))))
            #expect(outcome.record.status == .queued)
            let stats = try await fixture.store.jobs.statistics(queues: ["scoring-jobs"])
            #expect(stats["scoring-jobs"]?.available == 1)
        }
    }

    @Test("a failed submission insert leaves no job behind", arguments: TestBackend.allCases)
    func rollback(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            var new = fixture.newSubmission()
            new.assessmentID = "no-such-assessment"
            await #expect(throws: StoreError.assessmentNotFound("no-such-assessment")) {
                _ = try await fixture.store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
            }
            let first = fixture.newSubmission()
            var firstJob = fixture.scoringJob(for: first.id)
            firstJob.id = "job-x"
            _ = try await fixture.store.insertSubmission(first, job: firstJob)
            // The second submission's row is written first; its job then fails on the job id's primary
            // key, and the whole transaction, submission included, must roll back.
            let second = fixture.newSubmission()
            var secondJob = fixture.scoringJob(for: second.id)
            secondJob.id = "job-x"
            await #expect(throws: (any Error).self) {
                _ = try await fixture.store.insertSubmission(second, job: secondJob)
            }
            #expect(try await fixture.store.submission(id: second.id) == nil)
            #expect(try await fixture.store.listSubmissions(SubmissionQuery()).total == 1)
            let stats = try await fixture.store.jobs.statistics(queues: ["scoring-jobs"])
            #expect(stats["scoring-jobs"]?.available == 1)
        }
    }

    @Test(
        "a submission written again after its first commit succeeded returns the stored one, never an error",
        arguments: TestBackend.allCases)
    func sameSubmissionTwice(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let new = fixture.newSubmission()
            let created = try await fixture.store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
            // A job without a dedupe key: nothing but the submission's own insert can keep it out.
            var second = fixture.scoringJob(for: new.id)
            second.dedupeKey = nil
            let again = try await fixture.store.insertSubmission(new, job: second)
            #expect(again == .replayed(created.record))
            #expect(try await fixture.store.listSubmissions(SubmissionQuery()).total == 1)
            let stats = try await fixture.store.jobs.statistics(queues: ["scoring-jobs"])
            #expect(stats["scoring-jobs"]?.available == 1)
        }
    }

    @Test(
        "the same idempotency key and fingerprint return the first submission; another fingerprint is refused",
        arguments: TestBackend.allCases)
    func idempotency(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let first = fixture.newSubmission(key: "key-1", fingerprint: "f1")
            let created = try await fixture.store.insertSubmission(
                first, job: fixture.scoringJob(for: first.id))
            let replay = fixture.newSubmission(key: "key-1", fingerprint: "f1")
            let replayed = try await fixture.store.insertSubmission(
                replay, job: fixture.scoringJob(for: replay.id))
            #expect(replayed == .replayed(created.record))
            let other = fixture.newSubmission(key: "key-1", fingerprint: "f2")
            await #expect(throws: StoreError.idempotencyKeyReused("key-1")) {
                _ = try await fixture.store.insertSubmission(other, job: fixture.scoringJob(for: other.id))
            }
            #expect(try await fixture.store.listSubmissions(SubmissionQuery()).total == 1)
            #expect(
                try await fixture.store.jobs.statistics(queues: ["scoring-jobs"])["scoring-jobs"]?.available
                    == 1)
        }
    }

    @Test("the status follows the submission from queued to completed", arguments: TestBackend.allCases)
    func statusIsDerived(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let new = fixture.newSubmission()
            _ = try await store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
            #expect(try await store.submission(id: new.id)?.status == .queued)
            let job = try #require(
                try await store.jobs.claimNextJobs(
                    queue: "scoring-jobs", limit: 1, owner: "w", leaseDuration: .seconds(30)
                ).first)
            #expect(try await store.submission(id: new.id)?.status == .scoring)
            let evaluation = Evaluation(
                submissionID: new.id, assessmentID: fixture.assessment.id, scorer: "rubric",
                questions: [QuestionScore(questionID: "q1", points: 1, maxPoints: 1, feedback: "Correct.")],
                evaluatedAt: fixture.clock.now())
            let reportJob = JobRequest(
                queue: "report-jobs", kind: "build-report", payload: Data(), dedupeKey: new.id)
            try await store.insertEvaluation(evaluation, job: reportJob)
            try await store.jobs.complete(try #require(job.lease))
            #expect(try await store.submission(id: new.id)?.status == .reporting)
            #expect(try await store.evaluation(submissionID: new.id) == evaluation)
            let report = ReportBuilder.build(
                submissionID: new.id, assessment: fixture.assessment, content: new.content,
                evaluation: evaluation,
                generatedAt: fixture.clock.now())
            try await store.insertReport(report)
            #expect(try await store.submission(id: new.id)?.status == .completed)
            #expect(try await store.report(submissionID: new.id) == report)
        }
    }

    @Test("a dead job marks its submission failed", arguments: TestBackend.allCases)
    func failedStatus(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let new = fixture.newSubmission()
            _ = try await fixture.store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
            let job = try #require(
                try await fixture.store.jobs.claimNextJobs(
                    queue: "scoring-jobs", limit: 1, owner: "w", leaseDuration: .seconds(30)
                ).first)
            let failure = JobAttemptError(attempt: 1, failedAt: fixture.clock.now(), message: "boom")
            _ = try await fixture.store.jobs.fail(try #require(job.lease), error: failure, retryAt: nil)
            #expect(try await fixture.store.submission(id: new.id)?.status == .failed)
            let failed = try await fixture.store.listSubmissions(SubmissionQuery(status: .failed))
            #expect(failed.items.map(\.id) == [new.id])
        }
    }

    @Test(
        "storing an evaluation or a report twice keeps the first and enqueues one report job",
        arguments: TestBackend.allCases)
    func resultsAreIdempotent(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let new = fixture.newSubmission()
            _ = try await store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
            func evaluation(points: Double) -> Evaluation {
                Evaluation(
                    submissionID: new.id, assessmentID: fixture.assessment.id, scorer: "rubric",
                    questions: [QuestionScore(questionID: "q1", points: points, maxPoints: 1, feedback: "")],
                    evaluatedAt: fixture.clock.now())
            }
            let reportJob = JobRequest(
                queue: "report-jobs", kind: "build-report", payload: Data(), dedupeKey: new.id)
            try await store.insertEvaluation(evaluation(points: 1), job: reportJob)
            try await store.insertEvaluation(evaluation(points: 0), job: reportJob)
            #expect(try await store.evaluation(submissionID: new.id)?.totalPoints == 1)
            #expect(try await store.jobs.statistics(queues: ["report-jobs"])["report-jobs"]?.available == 1)
        }
    }

    @Test("an assessment id can be taken once; listings page and count", arguments: TestBackend.allCases)
    func assessments(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            await #expect(throws: StoreError.assessmentExists(fixture.assessment.id)) {
                try await fixture.store.insertAssessment(fixture.assessment, at: fixture.clock.now())
            }
            var second = fixture.assessment
            second.id = "second"
            try await fixture.store.insertAssessment(second, at: fixture.clock.now() + 1)
            let page = try await fixture.store.listAssessments(limit: 1, offset: 1)
            #expect(page.total == 2)
            #expect(page.items.map(\.id) == ["second"])
            #expect(try await fixture.store.assessment(id: "second") == second)
            #expect(try await fixture.store.assessment(id: "missing") == nil)
        }
    }

    @Test("submissions list newest first, filtered by assessment, paged", arguments: TestBackend.allCases)
    func listing(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            var ids: [String] = []
            for index in 0..<5 {
                fixture.clock.advance(seconds: 1)
                let new = fixture.newSubmission(id: "s\(index)")
                _ = try await fixture.store.insertSubmission(new, job: fixture.scoringJob(for: new.id))
                ids.append(new.id)
            }
            let page = try await fixture.store.listSubmissions(SubmissionQuery(limit: 2, offset: 1))
            #expect(page.total == 5)
            #expect(page.items.map(\.id) == ["s3", "s2"])
            let none = try await fixture.store.listSubmissions(SubmissionQuery(assessmentID: "other"))
            #expect(none.total == 0)
            let queued = try await fixture.store.listSubmissions(SubmissionQuery(status: .queued, limit: 10))
            #expect(Set(queued.items.map(\.id)) == Set(ids))
        }
    }

    @Test(
        "submissions of every status list newest first across statuses, paged, filtered",
        arguments: TestBackend.allCases)
    func listingAcrossStatuses(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            var other = fixture.assessment
            other.id = "other"
            try await fixture.store.insertAssessment(other, at: fixture.clock.now())
            // Newest last: queued, scoring, completed, queued, scoring, then one of `other`, scoring.
            let plan: [(id: String, assessment: String, handed: Bool, completed: Bool)] = [
                ("s0", fixture.assessment.id, false, false), ("s1", fixture.assessment.id, true, false),
                ("s2", fixture.assessment.id, true, true), ("s3", fixture.assessment.id, false, false),
                ("s4", fixture.assessment.id, true, false), ("s5", "other", true, false),
            ]
            for step in plan {
                fixture.clock.advance(seconds: 1)
                var new = fixture.newSubmission(id: step.id)
                new.assessmentID = step.assessment
                var job = fixture.scoringJob(for: new.id)
                if step.handed { job.leasedTo = JobRequest.Lease(owner: "w", duration: .seconds(30)) }
                _ = try await fixture.store.insertSubmission(new, job: job)
                guard step.completed else { continue }
                let completed = try await fixture.complete(new, jobID: job.id)
                #expect(completed)
            }
            let store = fixture.store
            func ids(_ query: SubmissionQuery) async throws -> [String] {
                try await store.listSubmissions(query).items.map(\.id)
            }
            #expect(try await ids(SubmissionQuery()) == ["s5", "s4", "s3", "s2", "s1", "s0"])
            #expect(try await ids(SubmissionQuery(limit: 3, offset: 1)) == ["s4", "s3", "s2"])
            #expect(try await ids(SubmissionQuery(limit: 2, offset: 4)) == ["s1", "s0"])
            #expect(try await ids(SubmissionQuery(limit: 2, offset: 6)) == [])
            let first = fixture.assessment.id
            #expect(try await ids(SubmissionQuery(assessmentID: first, limit: 2, offset: 1)) == ["s3", "s2"])
            #expect(try await ids(SubmissionQuery(assessmentID: first, status: .scoring)) == ["s4", "s1"])
            #expect(try await ids(SubmissionQuery(status: .scoring, limit: 1, offset: 1)) == ["s4"])
            #expect(try await ids(SubmissionQuery(status: .completed)) == ["s2"])
            let page = try await store.listSubmissions(SubmissionQuery(assessmentID: first, limit: 1))
            #expect(page.total == 5)
            #expect(page.items.map(\.status) == [.scoring])
        }
    }

    @Test(
        "many concurrent submissions all commit, none sees a locked database", arguments: TestBackend.allCases
    )
    func concurrentWrites(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        let new = fixture.newSubmission()
                        _ = try await fixture.store.insertSubmission(
                            new, job: fixture.scoringJob(for: new.id))
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await fixture.store.listSubmissions(SubmissionQuery()).total == 200)
            #expect(
                try await fixture.store.jobs.statistics(queues: ["scoring-jobs"])["scoring-jobs"]?.available
                    == 200)
        }
    }

    @Test(
        "in a batch of concurrent submissions, a bad one fails alone and the others commit",
        arguments: TestBackend.allCases)
    func batchIsolation(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            var taken = fixture.scoringJob(for: "taken")
            taken.id = "taken-job-id"
            _ = try await fixture.store.insertSubmission(fixture.newSubmission(), job: taken)
            let outcomes = await withTaskGroup(of: (String, Bool).self) { group in
                for index in 0..<40 {
                    group.addTask {
                        var new = fixture.newSubmission(id: "s\(index)")
                        var job = fixture.scoringJob(for: new.id)
                        if index == 7 { new.assessmentID = "missing" }
                        if index == 13 { job.id = "taken-job-id" }
                        do {
                            _ = try await fixture.store.insertSubmission(new, job: job)
                            return (new.id, true)
                        } catch {
                            return (new.id, false)
                        }
                    }
                }
                return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.filter { !$0.value }.keys.sorted() == ["s13", "s7"])
            #expect(try await fixture.store.listSubmissions(SubmissionQuery()).total == 39)
            #expect(try await fixture.store.submission(id: "s13") == nil)
            #expect(
                try await fixture.store.jobs.statistics(queues: ["scoring-jobs"])["scoring-jobs"]?.available
                    == 39)
        }
    }

    @Test("migrations apply once; reopening the database applies none", arguments: TestBackend.allCases)
    func migrationsAreIdempotent(backend: TestBackend) async throws {
        try await StoreFixture.with(backend) { fixture in
            #expect(try await fixture.store.migrate() == [])
            let second = try await fixture.database.openStore()
            try await second.whileRunning {
                let applied = try await second.migrate()
                let stored = try await second.assessment(id: fixture.assessment.id)
                #expect(applied == [])
                #expect(stored == fixture.assessment)
            }
        }
    }
}
