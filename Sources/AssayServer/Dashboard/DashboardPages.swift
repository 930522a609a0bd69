import AssayCore
import AssayStore
import Foundation
import JobQueue

/// What the dashboard's templates show: one type per page, each with the fields its template
/// names, and the layout's (`title`, `signedIn`, `csrfToken`, `notice`).
enum DashboardPages {
    /// The sign-in form, with why the last try failed.
    struct Login {
        let title = "Sign in"
        let signedIn = false
        let error: String?
    }

    /// A short message, such as why a form was refused.
    struct Message {
        let title: String
        let signedIn: Bool
        let csrfToken: String?
        let message: String
        let back: String
    }

    /// The queue status and the workers alive, refreshed by the page's script.
    struct Overview {
        let title = "Queues"
        let signedIn = true
        let csrfToken: String
        let status: QueueStatus
    }

    /// The queue status section: counts per queue and the workers alive.
    struct QueueStatus {
        let mode: String
        let backend: String
        let updatedAt: String
        let queues: [Queue]
        let hasWorkers: Bool
        let workers: [Worker]

        /// One queue's counts.
        struct Queue {
            let name: String
            let active: Int
            let scheduled: Int
            let running: Int
            let dead: Int
            let hasDead: Bool
            let completedLastHour: Int
            let oldestAge: String
        }

        /// One worker seen recently.
        struct Worker {
            let workerID: String
            let host: String
            let processID: Int
            let queues: String
            let startedAt: String
            let lastSeenAt: String
        }

        init(_ response: QueueStatusResponse, now: Date) {
            mode = response.mode
            backend = response.backend
            updatedAt = now.formatted(.iso8601)
            queues = response.queues.sorted { $0.key < $1.key }.map { name, counts in
                Queue(
                    name: name, active: counts.activeMessages, scheduled: counts.scheduledMessages,
                    running: counts.runningMessages, dead: counts.deadLetterMessages,
                    hasDead: counts.deadLetterMessages > 0, completedLastHour: counts.completedLastHour,
                    oldestAge: counts.oldestAvailableAgeSeconds > 0
                        ? "\(Int(counts.oldestAvailableAgeSeconds.rounded())) s" : "–")
            }
            hasWorkers = !response.workers.isEmpty
            workers = response.workers.map {
                Worker(
                    workerID: $0.workerID, host: $0.host, processID: $0.processID,
                    queues: $0.queues.joined(separator: ", "), startedAt: $0.startedAt.formatted(.iso8601),
                    lastSeenAt: $0.lastSeenAt.formatted(.iso8601))
            }
        }
    }

    /// The dead letters, newest first, each with its error history and its buttons.
    struct DeadLetters {
        let title = "Dead letters"
        let signedIn = true
        let csrfToken: String
        let notice: String?
        let hasJobs: Bool
        let jobs: [DeadJob]
        let summary: String
        let previous: String?
        let next: String?

        /// One dead job.
        struct DeadJob {
            let jobID: String
            let queue: String
            let kind: String
            let attempt: Int
            let maxAttempts: Int
            let updatedAt: String
            let payload: String
            let errors: [AttemptError]

            init(_ job: Job) {
                jobID = job.id
                queue = job.queue
                kind = job.kind
                attempt = job.attempt
                maxAttempts = job.maxAttempts
                updatedAt = job.updatedAt.formatted(.iso8601)
                payload = String(decoding: job.payload, as: UTF8.self)
                errors = job.errors.map {
                    AttemptError(
                        attempt: $0.attempt, failedAt: $0.failedAt.formatted(.iso8601), message: $0.message)
                }
            }
        }

        /// One failed attempt.
        struct AttemptError {
            let attempt: Int
            let failedAt: String
            let message: String
        }
    }

    /// The submissions, newest first, with their filters.
    struct Submissions {
        let title = "Submissions"
        let signedIn = true
        let csrfToken: String
        let statuses: [StatusOption]
        let assessmentID: String
        let hasRows: Bool
        let rows: [Row]
        let summary: String
        let previous: String?
        let next: String?

        /// One choice of the status filter.
        struct StatusOption {
            let value: String
            let label: String
            let selected: Bool
        }

        /// One submission.
        struct Row {
            let submissionID: String
            let candidateName: String
            let candidateEmail: String
            let assessmentID: String
            let status: String
            let createdAt: String
            let hasReport: Bool

            init(_ record: SubmissionRecord) {
                submissionID = record.id
                candidateName = record.content.candidate.name
                candidateEmail = record.content.candidate.email
                assessmentID = record.assessmentID
                status = record.status.rawValue
                createdAt = record.createdAt.formatted(.iso8601)
                hasReport = record.status == .completed
            }
        }
    }
}
