/// How log lines are written: `text`, swift-log's own lines for people, or `json`, one object a
/// line for a log collector (`LOG_FORMAT`).
public enum LogFormat: String, Sendable, CaseIterable {
    case text
    case json
}
