// swift-tools-version:6.1
import PackageDescription

// The micro-benchmarks of Assay's CPU hot paths (JSON codecs, scoring, report building), apart from
// the main package so that its build and `scripts/test` do not pay for ordo-one/benchmark.
// Run them with `scripts/bench-micro`.
let package = Package(
    name: "assay-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "assay", path: ".."),
        .package(
            url: "https://github.com/ordo-one/benchmark.git", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "AssayMicro",
            dependencies: [
                .product(name: "AssayCore", package: "assay"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AssayMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
