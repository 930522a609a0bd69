/// The samples of a Prometheus text exposition, parsed strictly enough to fail on a malformed line.
public struct PrometheusSamples: Sendable {
    public struct Sample: Sendable, Equatable {
        public var name: String
        public var labels: [String: String]
        public var value: Double
    }

    /// A line that is neither a comment, blank, nor `name{label="value",…} number`.
    public struct MalformedLine: Error, CustomStringConvertible {
        public var line: String
        public var description: String { "not a Prometheus sample: \(line)" }
    }

    public let samples: [Sample]
    /// The metric families the `# TYPE` lines declare, by name.
    public let types: [String: String]

    public init(_ text: String) throws {
        var samples: [Sample] = []
        var types: [String: String] = [:]
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw MalformedLine(line: line) }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") || line.allSatisfy(\.isWhitespace) { continue }
            guard
                let match = line.wholeMatch(
                    of:
                        /([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*)\})? (\S+)/
                ),
                let value = Double(match.3) ?? (match.3 == "+Inf" ? .infinity : nil)
            else { throw MalformedLine(line: line) }
            var labels: [String: String] = [:]
            for pair in String(match.2 ?? "").matches(of: /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/) {
                labels[String(pair.1)] = String(pair.2)
            }
            samples.append(Sample(name: String(match.1), labels: labels, value: value))
        }
        self.samples = samples
        self.types = types
    }

    /// The sum of the samples named `name` whose labels include `labels`; `nil` when there is none.
    public func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }
}
