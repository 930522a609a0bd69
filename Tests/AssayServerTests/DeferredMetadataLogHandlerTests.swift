import AssayServer
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Log metadata kept until an entry is written")
struct DeferredMetadataLogHandlerTests {
    /// A handler that records the metadata each entry reached it with, and counts changes to its own.
    private struct Recording: LogHandler {
        final class Record: Sendable {
            let entries = Mutex<[Logger.Metadata?]>([])
            let ownChanges = Mutex(0)
        }
        let record: Record
        var logLevel: Logger.Level = .info
        var metadataProvider: Logger.MetadataProvider?
        var metadata: Logger.Metadata = [:] {
            didSet { record.ownChanges.withLock { $0 += 1 } }
        }

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) { record.entries.withLock { $0.append(event.metadata) } }
    }

    @Test("metadata set on the logger reaches the wrapped handler with each entry, the entry's own winning")
    func metadataTravelsWithTheEntry() {
        let record = Recording.Record()
        var logger = Logger(label: "assay") { _ in
            DeferredMetadataLogHandler(wrapping: Recording(record: record))
        }
        logger.logLevel = .info
        logger[metadataKey: "job_id"] = "j1"
        logger[metadataKey: "queue"] = "scoring-jobs"
        logger[metadataKey: "attempt"] = .stringConvertible(2)
        logger.debug("below the level: not written")
        logger.info("ran", metadata: ["queue": "override", "duration_ms": "5"])
        #expect(record.ownChanges.withLock { $0 } == 0, "the wrapped handler's metadata is never rewritten")
        let entries = record.entries.withLock { $0 }
        #expect(entries.count == 1)
        #expect(
            entries.first??.mapValues(\.description)
                == ["job_id": "j1", "queue": "override", "attempt": "2", "duration_ms": "5"])
        #expect(logger[metadataKey: "job_id"] == "j1")
        #expect(logger.logLevel == .info)
    }

    @Test("without metadata an entry reaches the wrapped handler as it was logged")
    func noMetadata() {
        let record = Recording.Record()
        let logger = Logger(label: "assay") { _ in
            DeferredMetadataLogHandler(wrapping: Recording(record: record))
        }
        logger.warning("plain")
        logger.warning("with", metadata: ["key": "value"])
        let entries = record.entries.withLock { $0 }
        #expect(entries.count == 2)
        #expect(entries.first == .some(nil))
        #expect(entries.last??["key"] == "value")
    }
}
