import Foundation
import NIOHTTP1

/// Reads how long a 429 asks to wait: `retry-after-ms` (milliseconds), else `Retry-After` in
/// seconds or as an HTTP date; at most a day.
enum RetryAfter {
    /// The longest wait read, in milliseconds (a day): a larger value is cut to it.
    private static let longest = 86_400_000.0

    /// The wait the headers ask for, or `nil` when they ask for none readable; never negative.
    static func parse(_ headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        if let milliseconds = headers.first(name: "retry-after-ms").flatMap({ Double($0.trimmed) }),
            milliseconds.isFinite, milliseconds >= 0
        {
            return .milliseconds(Int64(min(milliseconds, longest).rounded(.up)))
        }
        guard let value = headers.first(name: "retry-after")?.trimmed else {
            return nil
        }
        if let seconds = Double(value), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64((min(seconds * 1000, longest)).rounded(.up)))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else {
            return nil
        }
        return .milliseconds(Int64(min(max(0, date.timeIntervalSince(now)) * 1000, longest).rounded(.up)))
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespaces) }
}
