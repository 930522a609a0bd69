/// Reads the `BrokerProperties` header of a received message, a JSON object, without `JSONDecoder`.
///
/// Every received message carries one, and `JSONDecoder` with the properties' `Decodable` init was
/// the largest part of the client's own CPU per message. The reader accepts any JSON object: it
/// keeps each member's string, number, boolean or null, and skips arrays and objects without
/// checking what they hold (Service Bus sends none). Nil for a text that is not a JSON object.
///
/// ```swift
/// BrokerPropertiesReader.members(of: #"{"DeliveryCount":1,"MessageId":"m"}"#)
/// // ["DeliveryCount": .number("1"), "MessageId": .string("m")]
/// ```
enum BrokerPropertiesReader {
    /// A member's value.
    enum Value: Equatable {
        case string(String)
        /// The number as written, checked to be a JSON number.
        case number(String)
        case boolean(Bool)
        case null
        /// An array or an object.
        case nested
    }

    /// The members of the JSON object `text`, the last one kept for a name given twice.
    static func members(of text: String) -> [String: Value]? {
        var bytes = Array(text.utf8)[...]
        var members: [String: Value] = [:]
        skipWhitespace(&bytes)
        guard bytes.popFirst() == UInt8(ascii: "{") else { return nil }
        skipWhitespace(&bytes)
        if bytes.first == UInt8(ascii: "}") {
            bytes.removeFirst()
        } else {
            while true {
                skipWhitespace(&bytes)
                guard let name = string(&bytes) else { return nil }
                skipWhitespace(&bytes)
                guard bytes.popFirst() == UInt8(ascii: ":") else { return nil }
                skipWhitespace(&bytes)
                guard let value = value(&bytes) else { return nil }
                members[name] = value
                skipWhitespace(&bytes)
                let separator = bytes.popFirst()
                if separator == UInt8(ascii: "}") { break }
                guard separator == UInt8(ascii: ",") else { return nil }
                // A comma before the closing brace, which JSONDecoder lets through too.
                skipWhitespace(&bytes)
                if bytes.first == UInt8(ascii: "}") {
                    bytes.removeFirst()
                    break
                }
            }
        }
        skipWhitespace(&bytes)
        return bytes.isEmpty ? members : nil
    }

    private static func value(_ bytes: inout ArraySlice<UInt8>) -> Value? {
        switch bytes.first {
        case UInt8(ascii: "\""): return string(&bytes).map(Value.string)
        case UInt8(ascii: "t"): return literal("true", &bytes) ? .boolean(true) : nil
        case UInt8(ascii: "f"): return literal("false", &bytes) ? .boolean(false) : nil
        case UInt8(ascii: "n"): return literal("null", &bytes) ? .null : nil
        case UInt8(ascii: "["), UInt8(ascii: "{"): return skipNested(&bytes) ? .nested : nil
        default: return number(&bytes).map(Value.number)
        }
    }

    private static func literal(_ word: String, _ bytes: inout ArraySlice<UInt8>) -> Bool {
        guard bytes.starts(with: word.utf8) else { return false }
        bytes.removeFirst(word.utf8.count)
        return true
    }

    /// A JSON number: `-`? digits (no leading zero), a fraction, an exponent.
    private static func number(_ bytes: inout ArraySlice<UInt8>) -> String? {
        let whole = bytes
        func digits() -> Int {
            let count = bytes.prefix(while: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }).count
            bytes.removeFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
        let leadingZero = bytes.first == UInt8(ascii: "0")
        let integerDigits = digits()
        guard integerDigits > 0, !leadingZero || integerDigits == 1 else { return nil }
        if bytes.first == UInt8(ascii: ".") {
            bytes.removeFirst()
            guard digits() > 0 else { return nil }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes.removeFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes.removeFirst() }
            guard digits() > 0 else { return nil }
        }
        return String(decoding: whole[whole.startIndex..<bytes.startIndex], as: UTF8.self)
    }

    /// A JSON string with its escapes read; nil for a malformed one or a lone surrogate.
    private static func string(_ bytes: inout ArraySlice<UInt8>) -> String? {
        guard bytes.popFirst() == UInt8(ascii: "\"") else { return nil }
        var result: [UInt8] = []
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: "\""):
                return String(validating: result, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escaped = bytes.popFirst() else { return nil }
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): result.append(escaped)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape(&bytes) else { return nil }
                    result.append(contentsOf: String(Character(scalar)).utf8)
                default: return nil
                }
            case 0..<0x20:
                return nil
            default:
                result.append(byte)
            }
        }
        return nil
    }

    /// The scalar of `\uXXXX` (the `\u` read already), or of a surrogate pair `\uD8xx\uDCxx`.
    private static func unicodeEscape(_ bytes: inout ArraySlice<UInt8>) -> Unicode.Scalar? {
        guard let unit = hexUnit(&bytes) else { return nil }
        guard (0xD800..<0xDC00).contains(unit) else { return Unicode.Scalar(unit) }
        guard literal("\\u", &bytes), let low = hexUnit(&bytes), (0xDC00..<0xE000).contains(low) else {
            return nil
        }
        return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
    }

    private static func hexUnit(_ bytes: inout ArraySlice<UInt8>) -> UInt32? {
        var unit: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = bytes.popFirst() else { return nil }
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): unit = unit << 4 | UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"):
                unit = unit << 4 | UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"):
                unit = unit << 4 | UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
        }
        return unit
    }

    /// Skips an array or an object, strings inside it included; false when it does not end.
    private static func skipNested(_ bytes: inout ArraySlice<UInt8>) -> Bool {
        var depth = 0
        while let byte = bytes.first {
            switch byte {
            case UInt8(ascii: "\""):
                guard string(&bytes) != nil else { return false }
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
            bytes.removeFirst()
            if depth == 0 { return true }
        }
        return false
    }

    private static func skipWhitespace(_ bytes: inout ArraySlice<UInt8>) {
        while let byte = bytes.first, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            bytes.removeFirst()
        }
    }
}
