import Foundation

/// The JSON encoder and decoder for Assay's public formats.
///
/// Keys are written in sorted order so that equal values give equal bytes, and dates are
/// ISO 8601 strings in UTC with milliseconds (`2025-03-01T09:30:00.250Z`). The decoder also
/// accepts dates without fractional seconds.
///
/// ```swift
/// let data = try AssayJSON.encoder().encode(report)
/// let assessment = try AssayJSON.decoder().decode(Assessment.self, from: body)
/// ```
public enum AssayJSON {
    static let fractionalSecondsStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// Returns a new encoder with sorted keys and ISO 8601 dates with fractional seconds.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(fractionalSecondsStyle))
        }
        return encoder
    }

    /// Returns a new decoder that reads ISO 8601 dates, with or without fractional seconds.
    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = date(fromISO8601: text) {
                return date
            }
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "date '\(text)' is not ISO 8601, e.g. 2025-03-01T09:30:00.250Z"
            )
        }
        return decoder
    }

    // A date in ISO 8601, with or without fractional seconds.
    static func date(fromISO8601 text: String) -> Date? {
        if let date = try? Date(text, strategy: fractionalSecondsStyle) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}
