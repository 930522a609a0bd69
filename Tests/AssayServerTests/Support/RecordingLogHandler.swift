import Logging
import Synchronization

/// A log handler that keeps every message it is given, for tests that check what was logged.
struct RecordingLogHandler: LogHandler {
    /// One logged event: its level, message and metadata.
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    /// Where the entries go; the test keeps it to read them.
    final class Entries: Sendable {
        private let entries = Mutex<[Entry]>([])

        var all: [Entry] { entries.withLock { $0 } }

        fileprivate func append(_ entry: Entry) {
            entries.withLock { $0.append(entry) }
        }
    }

    let entries: Entries
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    /// A logger whose events all land in the returned entries.
    static func logger() -> (Logger, Entries) {
        let entries = Entries()
        return (Logger(label: "test") { _ in RecordingLogHandler(entries: entries) }, entries)
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        entries.append(
            Entry(
                level: event.level, message: "\(event.message)",
                metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
}
