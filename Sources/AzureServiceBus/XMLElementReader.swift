import Foundation

/// Reads an XML document as the elements' local names and texts, in document order, for the
/// management API's Atom answers.
///
/// Foundation's `XMLParser` needs libxml2 and the system's ICU loaded into every `assay` process
/// (about 1.2 MB resident) for a few counts a minute. This reader checks what those answers need
/// (tags nested and closed in order, one root element, nothing but white space, comments and
/// processing instructions around it, known entities) and refuses the rest: a document type
/// declaration, which the service never sends, is refused too.
struct XMLElementReader {
    /// An element's start or end, with its local name (without its namespace prefix); an end
    /// carries the text since the last start or end, entities and CDATA sections decoded.
    enum Event: Equatable {
        case start(String)
        case end(String, text: String)
    }

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private let bytes: [UInt8]
    private var index = 0

    private init(_ data: Data) {
        bytes = Array(data)
    }

    /// The document's events; throws ``Malformed`` when it is not well-formed as above.
    static func events(in data: Data) throws(Malformed) -> [Event] {
        var reader = XMLElementReader(data)
        return try reader.read()
    }

    private mutating func read() throws(Malformed) -> [Event] {
        var events: [Event] = []
        var open: [String] = []
        var text = ""
        var sawRoot = false
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "<") else {
                let start = index
                while index < bytes.count && bytes[index] != UInt8(ascii: "<") { index += 1 }
                let run = bytes[start..<index]
                if open.isEmpty && !run.allSatisfy(Self.isWhitespace) {
                    throw Malformed(description: "text outside the root element")
                }
                text += try Self.decoded(run)
                continue
            }
            if starts(with: "<?") {
                try skip(past: "?>")
            } else if starts(with: "<!--") {
                try skip(past: "-->")
            } else if starts(with: "<![CDATA[") {
                guard !open.isEmpty else { throw Malformed(description: "a CDATA section outside the root") }
                index += 9
                let start = index
                try skip(past: "]]>")
                text += String(decoding: bytes[start..<(index - 3)], as: UTF8.self)
            } else if starts(with: "<!") {
                throw Malformed(description: "a document type declaration")
            } else if starts(with: "</") {
                index += 2
                let name = try self.name()
                skipWhitespace()
                try expect(">")
                guard let innermost = open.popLast(), innermost == name else {
                    throw Malformed(description: "</\(name)> closes no open element")
                }
                events.append(.end(Self.localName(name), text: text))
                text = ""
            } else {
                guard !(open.isEmpty && sawRoot) else {
                    throw Malformed(description: "a second root element")
                }
                index += 1
                let name = try self.name()
                let closed = try skipAttributes()
                sawRoot = true
                events.append(.start(Self.localName(name)))
                text = ""
                if closed {
                    events.append(.end(Self.localName(name), text: ""))
                } else {
                    open.append(name)
                }
            }
        }
        guard open.isEmpty else { throw Malformed(description: "<\(open.last ?? "")> is never closed") }
        guard sawRoot else { throw Malformed(description: "no XML element") }
        return events
    }

    private func starts(with prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return (0..<count).allSatisfy { bytes[index + $0] == prefix.utf8Start[$0] }
    }

    /// Moves past the next `end`; throws when the document ends first.
    private mutating func skip(past end: StaticString) throws(Malformed) {
        while index < bytes.count {
            if starts(with: end) {
                index += end.utf8CodeUnitCount
                return
            }
            index += 1
        }
        throw Malformed(description: "the document ends before \(end)")
    }

    private mutating func name() throws(Malformed) -> String {
        let start = index
        while index < bytes.count, !Self.isWhitespace(bytes[index]),
            ![UInt8(ascii: ">"), UInt8(ascii: "/"), UInt8(ascii: "<"), UInt8(ascii: "=")].contains(
                bytes[index])
        {
            index += 1
        }
        guard index > start else { throw Malformed(description: "a tag without a name") }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Moves past a start tag's attributes and its `>`; true when the tag closed itself (`/>`).
    private mutating func skipAttributes() throws(Malformed) -> Bool {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                let quote = bytes[index]
                index += 1
                while index < bytes.count && bytes[index] != quote { index += 1 }
                guard index < bytes.count else { break }
                index += 1
            case UInt8(ascii: "<"):
                throw Malformed(description: "'<' in a tag")
            case UInt8(ascii: "/"):
                index += 1
                try expect(">")
                return true
            case UInt8(ascii: ">"):
                index += 1
                return false
            default:
                index += 1
            }
        }
        throw Malformed(description: "the document ends inside a tag")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count && Self.isWhitespace(bytes[index]) { index += 1 }
    }

    private mutating func expect(_ byte: Unicode.Scalar) throws(Malformed) {
        guard index < bytes.count, bytes[index] == UInt8(ascii: byte) else {
            throw Malformed(description: "'\(byte)' expected")
        }
        index += 1
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    private static func localName(_ name: String) -> String {
        guard let colon = name.lastIndex(of: ":") else { return name }
        return String(name[name.index(after: colon)...])
    }

    /// `text` with its character and entity references replaced; XML's five entities only.
    private static func decoded(_ text: ArraySlice<UInt8>) throws(Malformed) -> String {
        guard text.contains(UInt8(ascii: "&")) else { return String(decoding: text, as: UTF8.self) }
        var result = ""
        var rest = Substring(String(decoding: text, as: UTF8.self))
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";") else {
                throw Malformed(description: "'&' without ';'")
            }
            let reference = rest[rest.index(after: ampersand)..<semicolon]
            switch reference {
            case "lt": result += "<"
            case "gt": result += ">"
            case "amp": result += "&"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let number: UInt32? =
                    reference.hasPrefix("#x")
                    ? UInt32(reference.dropFirst(2), radix: 16)
                    : reference.hasPrefix("#") ? UInt32(reference.dropFirst(), radix: 10) : nil
                guard let number, let scalar = Unicode.Scalar(number) else {
                    throw Malformed(description: "unknown entity &\(reference);")
                }
                result.unicodeScalars.append(scalar)
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return result + rest
    }
}
