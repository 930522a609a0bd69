import AssayCore
import Benchmark
import Foundation

// The CPU of Assay's hot paths on the sample submission (Examples/submissions/swift-basics.json) to
// the sample assessment (Examples/swift-basics.json), one operation per inner iteration: the JSON
// codecs of what the store keeps and serves, rubric scoring, and what a scoring job and a report
// job do between the store's read and its write.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.cpuTotal, .wallClock, .mallocCountTotal, .throughput],
        scalingFactor: .kilo,
        maxDuration: .seconds(4),
        maxIterations: 1_000
    )
    let sample = Sample.load()

    Benchmark("Submission decode (stored bytes)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.decodeContent())
        }
    }
    Benchmark("Submission encode (to store)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.encodeContent())
        }
    }
    Benchmark("Intake: decode + validate + encode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.intake())
        }
    }
    Benchmark("Evaluation encode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.encodeEvaluation())
        }
    }
    Benchmark("Evaluation decode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.decodeEvaluation())
        }
    }
    Benchmark("Report encode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.encodeReport())
        }
    }
    Benchmark("Report decode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.decodeReport())
        }
    }
    Benchmark("Rubric scoring") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(sample.score())
        }
    }
    Benchmark("Scoring job: decode + score + encode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.scoringJob())
        }
    }
    Benchmark("Report job: decode + build + encode") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try sample.reportJob())
        }
    }
}
