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
        .library(name: "Runs", targets: ["Runs"]),
        .library(name: "Reports", targets: ["Reports"]),
        .executable(name: "FuzzSpec", targets: ["FuzzSpec"]),
        .executable(name: "sweep-bench", targets: ["sweep-bench"]),
        .executable(name: "load-bench", targets: ["load-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    ],
    targets: [
        // System libraries: a module map and a shim header each; see their headers.
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", providers: [.apt(["libblis-dev"])]),
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CCrypto", path: "Sources/CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CHDF5", path: "Sources/CHDF5", pkgConfig: "hdf5",
            providers: [.apt(["libhdf5-dev"])]),
        .systemLibrary(name: "CStb", path: "Sources/CStb", providers: [.apt(["libstb-dev"])]),
        // libjpeg-turbo behind a small C shim: its errors longjmp, which Swift cannot catch.
        .target(name: "CJPEG", path: "Sources/CJPEG", linkerSettings: [.linkedLibrary("jpeg")]),

        // The core: the course's network, nothing but math.
        .target(name: "DeepNet", dependencies: ["CBLAS", "CKernels"], swiftSettings: optimized),
        // DeepNet's own product with a fixed arithmetic (the dual engine's C G), in C for
        // its vector instructions; see Sources/CKernels/kernels.c.
        .target(name: "CKernels", path: "Sources/CKernels", cSettings: [.unsafeFlags(["-O2"])]),

        // Image files as inputs: PNG/JPEG to RGB, resized as Pillow does.
        .target(name: "Images", dependencies: ["CStb", "CJPEG"], swiftSettings: optimized),

        // The pipeline, one stage per module; each imports only the ones below it:
        // dnn-run -> Reports -> Runs -> Spec -> Data -> Support, Runs -> DeepNet.
        // Support: files through swift-system, atomic writes, locks, hashing, JSON, formatting.
        .target(
            name: "Support",
            dependencies: ["CCrypto", .product(name: "SystemPackage", package: "swift-system")]),
        // Data: the datasets a spec names, read from HDF5 and CSV.
        .target(name: "Data", dependencies: ["Support", "DeepNet", "CHDF5", .product(name: "SystemPackage", package: "swift-system")], swiftSettings: optimized),
        // Spec: YAML in, one schema table, a validated plan of runs out.
        .target(name: "Spec", dependencies: ["Support", "Data", "DeepNet", "CYAML"], swiftSettings: optimized),
        // Runs: planning, training, run folders, manifests, progress, interrupts.
        .target(name: "Runs", dependencies: ["Spec", "Data", "Support", "DeepNet"], swiftSettings: optimized),
        // Reports: summary, compare, verify, the plots' glue.
        .target(name: "Reports", dependencies: ["Runs", "Spec", "Data", "Support", "DeepNet", "CostPlot", "Images"]),
        // CostPlot: the SVG renderer of cost curves (numbers written through Support's formats).
        .target(name: "CostPlot", dependencies: ["Support"]),

        // The command line.
        .executableTarget(
            name: "dnn-run",
            dependencies: [
                "DeepNet", "Reports", "Runs", "Spec", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // The 100-point sweep of the cat model, batched, against its FLOP floor (make bench).
        .executableTarget(
            name: "sweep-bench", dependencies: ["DeepNet", "Data", "CKernels"], path: "Benchmarks/SweepBench",
            swiftSettings: optimized),

        // dnn-run's loading of one data file, timed in-process (Benchmarks/bench_load.py).
        .executableTarget(
            name: "load-bench", dependencies: ["Data", "Support"], path: "Benchmarks/LoadBench",
            swiftSettings: optimized),

        // The spec loader's fuzz target: libFuzzer with -DFUZZING, a corpus replayer
        // without; see Fuzz/README.md.
        // (`@_extern(c)` declares libFuzzer's driver.)
        .executableTarget(
            name: "FuzzSpec", dependencies: ["Spec", "Support"],
            swiftSettings: [.enableExperimentalFeature("Extern")]),

        // Assertion helpers shared by the test targets.
        .target(name: "TestSupport", dependencies: ["DeepNet", "CHDF5"], path: "Tests/TestSupport"),
        .testTarget(name: "DeepNetTests", dependencies: ["DeepNet", "TestSupport"]),
        .testTarget(name: "SupportTests", dependencies: ["Support", "TestSupport"]),
        .testTarget(name: "DataTests", dependencies: ["Data", "Support", "DeepNet", "TestSupport", "CHDF5"]),
        .testTarget(name: "SpecTests", dependencies: ["Spec", "Data", "Support", "DeepNet", "TestSupport"]),
        .testTarget(name: "CostPlotTests", dependencies: ["CostPlot"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Runs", "CostPlot", "TestSupport"]),
        .testTarget(name: "ImagesTests", dependencies: ["Images"], exclude: ["Reference"]),
        .testTarget(
            name: "CLITests", dependencies: ["Runs", "Spec", "Data", "DeepNet", "Support", "TestSupport"],
            exclude: ["Fixtures"]),
    ]
)
