import CoreMetrics
import Synchronization

/// A metrics factory that hands back the handler it made before for the same label and
/// dimensions, and asks the factory it wraps only for one it has not made yet.
///
/// swift-metrics makes a handler each time a `Counter` or `Timer` is created, and the job counters,
/// the job timer and the batch recorders are created at each job and each batch: the Prometheus
/// factory sanitised, validated and looked up the name and labels each time, under its registry's
/// lock. Here a handler already made costs one lookup. Kept in the factory, not beside the callers,
/// so that what is recorded before the metrics system is bootstrapped is not held by a cache.
final class MemoizingMetricsFactory: MetricsFactory {
    private struct Key: Hashable {
        var label: String
        var dimensions: [(String, String)]
        var aggregate = false

        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.label == rhs.label && lhs.aggregate == rhs.aggregate
                && lhs.dimensions.count == rhs.dimensions.count
                && zip(lhs.dimensions, rhs.dimensions).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(label)
            hasher.combine(aggregate)
            for (name, value) in dimensions {
                hasher.combine(name)
                hasher.combine(value)
            }
        }
    }

    private struct Handlers {
        var counters: [Key: any CounterHandler] = [:]
        var floatingPointCounters: [Key: any FloatingPointCounterHandler] = [:]
        var meters: [Key: any MeterHandler] = [:]
        var recorders: [Key: any RecorderHandler] = [:]
        var timers: [Key: any TimerHandler] = [:]
    }

    private let wrapped: any MetricsFactory
    private let handlers = Mutex(Handlers())

    init(wrapping factory: any MetricsFactory) {
        wrapped = factory
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        memoized(\.counters, Key(label: label, dimensions: dimensions)) {
            wrapped.makeCounter(label: label, dimensions: dimensions)
        }
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        memoized(\.floatingPointCounters, Key(label: label, dimensions: dimensions)) {
            wrapped.makeFloatingPointCounter(label: label, dimensions: dimensions)
        }
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        memoized(\.meters, Key(label: label, dimensions: dimensions)) {
            wrapped.makeMeter(label: label, dimensions: dimensions)
        }
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        memoized(\.recorders, Key(label: label, dimensions: dimensions, aggregate: aggregate)) {
            wrapped.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
        }
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        memoized(\.timers, Key(label: label, dimensions: dimensions)) {
            wrapped.makeTimer(label: label, dimensions: dimensions)
        }
    }

    func destroyCounter(_ handler: any CounterHandler) {
        forget(handler, in: \.counters)
        wrapped.destroyCounter(handler)
    }

    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        forget(handler, in: \.floatingPointCounters)
        wrapped.destroyFloatingPointCounter(handler)
    }

    func destroyMeter(_ handler: any MeterHandler) {
        forget(handler, in: \.meters)
        wrapped.destroyMeter(handler)
    }

    func destroyRecorder(_ handler: any RecorderHandler) {
        forget(handler, in: \.recorders)
        wrapped.destroyRecorder(handler)
    }

    func destroyTimer(_ handler: any TimerHandler) {
        forget(handler, in: \.timers)
        wrapped.destroyTimer(handler)
    }

    /// The handler made before under `key`, or the one `make` makes, kept for next time. A handler
    /// is made under the lock: two callers asking at once for a new one get the same.
    private func memoized<Handler: Sendable>(
        _ kind: WritableKeyPath<Handlers, [Key: Handler]>, _ key: Key, make: () -> Handler
    ) -> Handler {
        handlers.withLock { handlers in
            if let handler = handlers[keyPath: kind][key] { return handler }
            let handler = make()
            handlers[keyPath: kind][key] = handler
            return handler
        }
    }

    private func forget<Handler: Sendable>(
        _ handler: Handler, in kind: WritableKeyPath<Handlers, [Key: Handler]>
    ) {
        handlers.withLock { handlers in
            let keys = handlers[keyPath: kind].filter { ($0.value as AnyObject) === (handler as AnyObject) }
                .keys
            for key in keys { handlers[keyPath: kind][key] = nil }
        }
    }
}
