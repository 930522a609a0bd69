import CoreMetrics
import Synchronization
import Testing

@testable import AssayServer

@Suite struct MemoizingMetricsFactoryTests {
    @Test func aHandlerIsMadeOnceForTheSameLabelAndDimensions() {
        let counting = CountingFactory()
        let factory = MemoizingMetricsFactory(wrapping: counting)
        let first = factory.makeCounter(label: "jobs", dimensions: [("queue", "scoring"), ("kind", "score")])
        let again = factory.makeCounter(label: "jobs", dimensions: [("queue", "scoring"), ("kind", "score")])
        #expect(first === again)
        #expect(counting.made == 1)
    }

    @Test func anotherLabelValueOrOrderIsAnotherHandler() {
        let counting = CountingFactory()
        let factory = MemoizingMetricsFactory(wrapping: counting)
        let scoring = factory.makeTimer(label: "duration", dimensions: [("queue", "scoring")])
        let reports = factory.makeTimer(label: "duration", dimensions: [("queue", "reports")])
        let otherLabel = factory.makeTimer(label: "latency", dimensions: [("queue", "scoring")])
        let twoDimensions = factory.makeTimer(
            label: "duration", dimensions: [("queue", "scoring"), ("a", "b")])
        #expect(scoring !== reports && scoring !== otherLabel && scoring !== twoDimensions)
        #expect(counting.made == 4)
    }

    @Test func eachKindOfHandlerIsKeptApart() {
        let counting = CountingFactory()
        let factory = MemoizingMetricsFactory(wrapping: counting)
        _ = factory.makeCounter(label: "same", dimensions: [])
        _ = factory.makeFloatingPointCounter(label: "same", dimensions: [])
        _ = factory.makeMeter(label: "same", dimensions: [])
        _ = factory.makeRecorder(label: "same", dimensions: [], aggregate: true)
        _ = factory.makeRecorder(label: "same", dimensions: [], aggregate: false)
        _ = factory.makeTimer(label: "same", dimensions: [])
        _ = factory.makeRecorder(label: "same", dimensions: [], aggregate: true)
        #expect(counting.made == 6)
    }

    @Test func aDestroyedHandlerIsMadeAfresh() {
        let counting = CountingFactory()
        let factory = MemoizingMetricsFactory(wrapping: counting)
        let first = factory.makeCounter(label: "jobs", dimensions: [])
        factory.destroyCounter(first)
        let second = factory.makeCounter(label: "jobs", dimensions: [])
        #expect(first !== second)
        #expect(counting.made == 2 && counting.destroyed == 1)
    }
}

/// A factory that counts what it makes and destroys, each handler a new object that keeps nothing.
private final class CountingFactory: MetricsFactory {
    private let counts = Mutex((made: 0, destroyed: 0))
    var made: Int { counts.withLock { $0.made } }
    var destroyed: Int { counts.withLock { $0.destroyed } }

    private func make() -> Handler {
        counts.withLock { $0.made += 1 }
        return Handler()
    }

    private func destroy() { counts.withLock { $0.destroyed += 1 } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler { make() }
    func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        make()
    }
    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler { make() }
    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        make()
    }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { make() }
    func destroyCounter(_ handler: any CounterHandler) { destroy() }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) { destroy() }
    func destroyMeter(_ handler: any MeterHandler) { destroy() }
    func destroyRecorder(_ handler: any RecorderHandler) { destroy() }
    func destroyTimer(_ handler: any TimerHandler) { destroy() }

    private final class Handler: CounterHandler, FloatingPointCounterHandler, MeterHandler, RecorderHandler,
        TimerHandler
    {
        func increment(by: Int64) {}
        func increment(by: Double) {}
        func decrement(by: Double) {}
        func reset() {}
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func set(_ value: Int64) {}
        func set(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }
}
