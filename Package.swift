// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "assay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "assay", targets: ["assay"]),
        .executable(name: "assay-bench", targets: ["assay-bench"]),
        .executable(name: "assay-servicebus-emulator", targets: ["assay-servicebus-emulator"]),
        // The domain alone, for the micro-benchmarks package (Benchmarks/), which builds nothing else.
        .library(name: "AssayCore", targets: ["AssayCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // The tests' plumbing: child processes, and HTTP to running servers (the benchmarks' too).
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Executable: the CLI (`serve`, `worker`, `migrate`).
        .executableTarget(
            name: "assay",
            dependencies: [
                "AssayServer", "AssayStore", "JobQueue", "ServiceBusQueue", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks that print numbers: the queue on each backend, and the HTTP API.
        .executableTarget(
            name: "assay-bench",
            dependencies: [
                "AssayCore", "AssayServer", "AssayStore", "JobQueue",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The Hummingbird application: routes, auth, validation, wiring, configuration.
        .target(
            name: "AssayServer",
            dependencies: [
                "AssayCore", "AssayLLM", "AssayPipeline", "AssayStore", "AzureServiceBus", "JobQueue",
                "ServiceBusQueue",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/dashboard")],
            swiftSettings: swiftSettings
        ),
        // The pipeline: the job kinds and their handlers, the submit use case, the scorer's choice.
        // No HTTP: `assay worker` runs it without the server.
        .target(
            name: "AssayPipeline",
            dependencies: [
                "AssayCore", "AssayStore", "JobQueue", "AssayLLM",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The store: SQLite and PostgreSQL implementations, migrations, and their job drivers.
        .target(
            name: "AssayStore",
            dependencies: [
                "AssayCore", "JobQueue",
                "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                // Its pool's error type, to tell the circuit breaker's "no connection for a minute".
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // glibc's mallopt, for `assay worker`'s one malloc arena.
        .systemLibrary(name: "CMalloc"),
        // The kernel's getrandom, for JobQueue's identifiers, read in blocks.
        .systemLibrary(name: "CSystemRandom"),
        // The system's SQLite library (libsqlite3-dev), which AssayStore's SQLite connection calls.
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]),
        // Jobs, the driver protocol, retry policy, the worker service, the memory driver.
        .target(
            name: "JobQueue",
            dependencies: [
                "CSystemRandom",
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A standalone Azure Service Bus client over its REST API; knows nothing of Assay.
        .target(
            name: "AzureServiceBus",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Jobs over Azure Service Bus: the outbox relay, the broker's attempt source, the fallback
        // circuit and the broker's counts in the queue status; the bridge between the two below.
        .target(
            name: "ServiceBusQueue",
            dependencies: [
                "AzureServiceBus", "JobQueue",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A test double of Service Bus's REST API, for tests and local development; never a broker.
        .target(
            name: "ServiceBusEmulator",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Executable: the emulator on a port of its own, with a fault switch for end-to-end tests.
        .executableTarget(
            name: "assay-servicebus-emulator",
            dependencies: [
                "ServiceBusEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The domain: assessments, scoring, reports. Pure, Foundation only.
        .target(name: "AssayCore", swiftSettings: swiftSettings),
        // The LLM scorer: an OpenAI-compatible chat client, prompts, answer validation and repair.
        .target(
            name: "AssayLLM",
            dependencies: [
                "AssayCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),

        // What the test suites share: temporary folders, a test clock, throwaway databases on each
        // backend, waiting for a condition, and the app on a fresh store.
        .target(
            name: "AssayTestSupport",
            dependencies: [
                "AssayCore", "AssayServer", "AssayStore", "JobQueue",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/AssayTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "AssayCoreTests", dependencies: ["AssayCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "JobQueueTests", dependencies: ["JobQueue", "AssayTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "AzureServiceBusTests",
            dependencies: [
                "AzureServiceBus", "ServiceBusEmulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceBusQueueTests",
            dependencies: [
                "ServiceBusQueue", "ServiceBusEmulator", "AzureServiceBus", "JobQueue", "AssayStore",
                "AssayTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceBusEmulatorTests",
            dependencies: [
                "ServiceBusEmulator", "assay-servicebus-emulator",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AssayLLMTests",
            dependencies: [
                "AssayLLM", "AssayCore", "AssayTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AssayStoreTests",
            dependencies: ["AssayStore", "JobQueue", "AssayCore", "AssayTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AssayServerTests",
            dependencies: [
                "AssayServer", "AssayTestSupport", "AzureServiceBus", "ServiceBusQueue",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "assay", "assay-servicebus-emulator", "AssayTestSupport", "AzureServiceBus", "JobQueue",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
