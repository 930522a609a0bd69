/// The `BrokerProperties` header of a received message: a flat JSON object of strings and numbers.
///
/// It is written directly rather than by `JSONSerialization`, whose sorting and type casts were a
/// fifth of the emulator's CPU per received message, and reads as `JSONSerialization` wrote it:
/// keys in the order its `.sortedKeys` gives (case-insensitive), `/` escaped, a whole `Double`
/// without its `.0`.
///
/// ```swift
/// var header = BrokerPropertiesHeader()
/// header["MessageId"] = .string("m-1")
/// header["DeliveryCount"] = .integer(1)
/// header.text  // {"DeliveryCount":1,"MessageId":"m-1"}
/// ```
struct BrokerPropertiesHeader {
    /// A property's value.
    enum Value {
        case string(String)
        case integer(Int64)
        case number(Double)
    }

    private var properties: [String: Value] = [:]

    subscript(name: String) -> Value? {
        get { properties[name] }
        set { properties[name] = newValue }
    }

    /// The JSON object.
    var text: String {
        let names = properties.keys.sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }
        var text = "{"
        for (index, name) in names.enumerated() {
            if index > 0 { text += "," }
            Self.appendString(name, to: &text)
            text += ":"
            switch properties[name]! {
            case .string(let value): Self.appendString(value, to: &text)
            case .integer(let value): text += String(value)
            case .number(let value): text += Self.number(value)
            }
        }
        return text + "}"
    }

    /// A number as `JSONSerialization` writes it: its shortest form, a whole one without `.0`. The
    /// emulator keeps only finite numbers (``IncomingMessage`` refuses others).
    private static func number(_ value: Double) -> String {
        let text = value.description
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// A JSON string with `"`, `\`, `/` and control characters escaped.
    private static func appendString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "/": text += "\\/"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case "\u{8}": text += "\\b"
            case "\u{C}": text += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
