import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOFoundationCompat

extension EmulatorResponder {
    /// `GET /{queue}`: the queue's Atom entry (200), or 404.
    func describeQueue(_ name: String) throws -> Response {
        guard let queue = emulator.namespace.queue(name), let counts = emulator.namespace.counts(of: name)
        else {
            throw EmulatorRequestError(status: 404, detail: "the queue '\(name)' does not exist")
        }
        let entry = AtomQueueDescription.entry(
            for: queue, counts: counts, baseURL: emulator.baseURL, now: emulator.clock.now())
        var headers = HTTPFields()
        headers[.contentType] = "application/atom+xml;type=entry;charset=utf-8"
        return Self.response(status: .ok, headers: headers, body: Data(entry.utf8))
    }

    /// `PUT /{queue}` with a `QueueDescription`: 201 and the new entry, 409 when the queue exists,
    /// 400 for settings the Basic tier refuses.
    func createQueue(_ name: String, request: Request) async throws -> Response {
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: 64 * 1024))
        guard body.contains("QueueDescription") else {
            throw EmulatorRequestError(
                status: 400, detail: "the body must be an Atom entry with a QueueDescription")
        }
        let settings = try AtomQueueDescription.settings(in: body)
        let created = emulator.namespace.createQueue(
            name, lockSeconds: settings.lockDuration ?? emulator.configuration.lockDuration.secondsValue,
            maxDeliveryCount: settings.maxDeliveryCount ?? emulator.configuration.maxDeliveryCount)
        guard created else {
            throw EmulatorRequestError(
                status: 409, detail: "SubCode=40900. Conflict: the queue '\(name)' already exists")
        }
        var response = try describeQueue(name)
        response.status = .created
        return response
    }

    /// `POST /$emulator/faults` with `{"fault": F, "seconds": S, "retry_after_seconds": R}`, where F is
    /// `unavailable` (503), `throttled` (429), `server-error` (500), `hang`, `drop`, `stale-locks`
    /// (every lock ends now) or `none`; `POST /$emulator/clock` with `{"advance_seconds": S}`.
    func administer(_ command: String, request: Request) async throws -> Response {
        guard request.method == .post else {
            throw EmulatorRequestError(status: 405, detail: "use POST on /$emulator/\(command)")
        }
        var request = request
        let body = Data(buffer: try await request.collectBody(upTo: 64 * 1024))
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw EmulatorRequestError(status: 400, detail: "the body must be a JSON object")
        }
        let seconds = (object["seconds"] as? NSNumber)?.doubleValue ?? 3600
        let duration = Duration.milliseconds(Int64(seconds * 1000))
        switch command {
        case "faults":
            let retryAfter = (object["retry_after_seconds"] as? NSNumber)?.intValue ?? 1
            switch object["fault"] as? String {
            case "unavailable":
                emulator.faults.inject(.failing(status: 503, retryAfterSeconds: retryAfter), for: duration)
            case "throttled":
                emulator.faults.inject(.failing(status: 429, retryAfterSeconds: retryAfter), for: duration)
            case "server-error":
                emulator.faults.inject(.failing(status: 500, retryAfterSeconds: retryAfter), for: duration)
            case "hang": emulator.faults.inject(.hanging, for: duration)
            case "drop": emulator.faults.inject(.droppingConnections, for: duration)
            case "stale-locks": emulator.namespace.expireAllLocks()
            case "none": emulator.faults.clear()
            default:
                throw EmulatorRequestError(
                    status: 400,
                    detail:
                        "fault must be unavailable, throttled, server-error, hang, drop, stale-locks or none")
            }
        case "clock":
            guard let advance = (object["advance_seconds"] as? NSNumber)?.doubleValue, advance >= 0 else {
                throw EmulatorRequestError(
                    status: 400, detail: "advance_seconds must be a number of at least 0")
            }
            emulator.clock.advance(by: .milliseconds(Int64(advance * 1000)))
        default:
            throw EmulatorRequestError(status: 404, detail: "no such emulator command: \(command)")
        }
        return Self.response(status: .noContent)
    }
}
