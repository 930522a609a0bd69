import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

extension ServiceBusClient {
    /// The entity's URL: the namespace's base, then the entity path (`queue` or `queue/$DeadLetterQueue`).
    func entityURL(_ entity: String) -> String {
        // Queue names are nearly always letters, digits, `-`, `.`, `_`, `/` and `$`, which a path
        // keeps as they are; Foundation's encoding costs even when it changes nothing.
        let plain = entity.utf8.allSatisfy {
            SharedAccessSignatureProvider.isUnreserved($0) || $0 == 0x2F || $0 == 0x24
        }
        return connection.baseURL + "/"
            + (plain
                ? entity : entity.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? entity)
    }

    func perform(
        _ method: HTTPMethod, entity: String, path: String, query: String? = nil, headers: HTTPHeaders = [:],
        body: Data?, expecting: Set<Int>, timeout: Duration? = nil
    ) async throws -> ServiceBusResponse {
        let url = entityURL(entity) + path + (query.map { "?\($0)" } ?? "")
        return try await perform(
            method, entity: entity, url: url, headers: headers, body: body, expecting: expecting,
            timeout: timeout ?? options.requestTimeout, settling: false)
    }

    /// Signs and sends one request; returns the answer when its status is expected, and throws
    /// the `ServiceBusError` for any other status, a time-out or a failed connection.
    /// `settling` makes 404 and 410 mean a lost lock rather than a missing queue.
    func perform(
        _ method: HTTPMethod, entity: String, url: String, headers: HTTPHeaders = [:], body: Data?,
        expecting: Set<Int>, timeout: Duration, settling: Bool
    ) async throws -> ServiceBusResponse {
        let queue = String(entity.split(separator: "/").first ?? Substring(entity))
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers = headers
        request.headers.replaceOrAdd(
            name: "Authorization", value: try await tokenProvider.authorization(for: entityURL(queue)))
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let status: Int
        let responseHeaders: HTTPHeaders
        let data: Data
        do {
            let response = try await httpClient.execute(request, timeout: TimeAmount(timeout))
            status = Int(response.status.code)
            responseHeaders = response.headers
            data = Data(buffer: try await response.body.collect(upTo: 4 * 1024 * 1024))
        } catch {
            throw Self.failure(error, entity: entity, timeout: timeout)
        }
        guard expecting.contains(status) else {
            throw Self.error(
                status: status, headers: responseHeaders, body: data, entity: entity, settling: settling)
        }
        return ServiceBusResponse(status: status, headers: responseHeaders, body: data)
    }

    /// The error for a request that got no answer: cancellation stays cancellation.
    static func failure(_ error: any Error, entity: String, timeout: Duration) -> any Error {
        if Task.isCancelled || error is CancellationError { return CancellationError() }
        let timeouts: [HTTPClientError] = [.deadlineExceeded, .readTimeout, .connectTimeout]
        if let error = error as? HTTPClientError, timeouts.contains(error) {
            return ServiceBusError.timedOut(entity: entity, after: timeout)
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return ServiceBusError.timedOut(entity: entity, after: timeout)
        }
        return ServiceBusError.transport(entity: entity, underlying: error)
    }

    /// The error for an answer whose status the caller did not expect.
    static func error(status: Int, headers: HTTPHeaders, body: Data, entity: String, settling: Bool)
        -> ServiceBusError
    {
        switch status {
        case 401: .unauthorized(entity: entity)
        case 403: .forbidden(entity: entity, detail: detail(of: body))
        case 404: settling ? .lockLost(entity: entity) : .notFound(entity: entity)
        case 410: settling ? .lockLost(entity: entity) : .entityGone(entity: entity)
        case 429: .throttled(entity: entity, retryAfter: retryAfter(headers))
        case 503: .serverBusy(entity: entity, retryAfter: retryAfter(headers))
        case 500...599: .server(entity: entity, status: status)
        default: .rejected(entity: entity, status: status, detail: detail(of: body))
        }
    }

    /// `Retry-After` as seconds, or as an HTTP date from now.
    static func retryAfter(_ headers: HTTPHeaders) -> Duration? {
        guard let value = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else {
            return nil
        }
        if let seconds = Double(value), seconds >= 0 { return .milliseconds(Int64(seconds * 1000)) }
        guard let date = HTTPDate.parse(value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }

    /// The broker's `<Detail>` text (or the body), short, with anything like a signature cut out.
    static func detail(of body: Data) -> String {
        var text = String(decoding: body, as: UTF8.self)
        if let start = text.range(of: "<Detail>"), let end = text.range(of: "</Detail>"),
            start.upperBound <= end.lowerBound
        {
            text = String(text[start.upperBound..<end.lowerBound])
        }
        text = text.replacing(
            #/(?i)(sig|SharedAccessKey|SharedAccessSignature)[=\s][^&;\s]*/#, with: "<redacted>")
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }
}
