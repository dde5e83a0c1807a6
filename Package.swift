// swift-tools-version:5.9
import PackageDescription

/// The numeric code is optimized in debug builds too: `swift test` trains real networks,
/// and unoptimized Swift is 10-50x slower on its loops.
let optimized: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
    name: "dnn-run",
    products: [
        .executable(name: "dnn-run", targets: ["dnn-run"]),
        .library(name: "DeepNet", targets: ["DeepNet"]),
        .library(name: "Experiments", targets: ["Experiments"]),
        .executable(name: "FuzzSpec", targets: ["FuzzSpec"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries: a module map and a shim header each; see their headers.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libblis-dev"])]),
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),

        // The core: the course's network, nothing but math.
        .target(name: "DeepNet", dependencies: ["CBLAS"], swiftSettings: optimized),

        // Specs, datasets, runs, sweeps and the results tree.
        .target(
            name: "Experiments",
            dependencies: [
                "DeepNet", "CYAML", "CHDF5",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: optimized),

        // The command line.
        .executableTarget(
            name: "dnn-run",
            dependencies: [
                "Experiments",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The spec loader's fuzz target: libFuzzer with -DFUZZING, a corpus replayer
        // without; see Fuzz/README.md.
        // (`@_extern(c)` declares libFuzzer's driver.)
        .executableTarget(
            name: "FuzzSpec", dependencies: ["Experiments"],
            swiftSettings: [.enableExperimentalFeature("Extern")]),

        // Assertion helpers shared by the test targets.
        .target(name: "TestSupport", dependencies: ["DeepNet"], path: "Tests/TestSupport"),
        .testTarget(name: "DeepNetTests", dependencies: ["DeepNet", "TestSupport"]),
        .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "DeepNet", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["Experiments", "TestSupport"], exclude: ["Fixtures"]),
    ]
)
