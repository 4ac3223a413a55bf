// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "hmmbench",
    products: [
        .library(name: "HMMBench", targets: ["HMMBench"]),
        .executable(name: "hmmbench", targets: ["hmmbench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // test_hmm uapi, ioctl/libnuma/syscall wrappers. Linked against libnuma.
        .target(
            name: "CShims",
            path: "CShims",
            linkerSettings: [.linkedLibrary("numa")]
        ),
        // Everything a test can reach: backends, flows, engine, results, reports.
        .target(
            name: "HMMBench",
            dependencies: ["CShims"],
            plugins: ["VersionStamp"]
        ),
        // VERSION plus the git commit, generated before every build
        // (HMMBenchVersion.string).
        .plugin(
            name: "VersionStamp",
            capability: .buildTool()
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "hmmbench",
            dependencies: [
                "HMMBench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fixtures, builders and helpers both test targets use.
        .target(
            name: "HMMBenchTestSupport",
            dependencies: ["HMMBench"],
            path: "Tests/HMMBenchTestSupport"
        ),
        .testTarget(
            name: "HMMBenchTests",
            dependencies: ["HMMBench", "CShims", "HMMBenchTestSupport"],
            // Read by path (#filePath), not bundled: the recorded answers
            // of the real module that the simulator is held to.
            exclude: ["Fixtures/kernel", "Fixtures/ftrace"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["HMMBench", "HMMBenchTestSupport"]
        ),
    ],
    swiftLanguageModes: [.v5]
)
