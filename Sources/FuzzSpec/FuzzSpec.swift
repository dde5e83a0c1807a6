import Spec
import Support
import FoundationEssentials
import Glibc

/// The spec loader's fuzz target: arbitrary bytes through the YAML parser and the spec
/// loader. Each must return or throw diagnostics: no crash, no hang, bounded memory.
///
/// Built with `-sanitize=fuzzer,address -DFUZZING` it is a libFuzzer target (`make fuzz`);
/// built plainly it replays inputs, to reproduce a crash:
///
///     swift run FuzzSpec Fuzz/crashes/crash-0a1b2c Fuzz/corpus/spec
///
/// See Fuzz/README.md.
enum SpecFuzzer {
    /// A folder holding `spec/` (where the input pretends to live) and placeholder data
    /// files for the relative paths of the example specs and the seeds, so that some
    /// inputs get past the data checks into the whole validator.
    static let sandbox: String = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("FuzzSpec-\(getpid())").path
        let manager = FileManager.default
        for folder in ["spec", "datasets", "data"] {
            try? manager.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true)
        }
        let files = [
            "datasets/train_catvnoncat.h5", "datasets/test_catvnoncat.h5", "spec/train.h5", "spec/test.h5",
            "spec/train.csv", "spec/test.csv", "data/train.h5",
        ]
        for file in files { _ = manager.createFile(atPath: directory + "/" + file, contents: Data()) }
        return directory
    }()

    /// What one input did, for the replayer to print.
    enum Outcome {
        case loaded(points: Int)
        case refused(Diagnostics)
    }

    /// Runs `bytes` through `YAMLParser.parse` and `SpecLoader.load(bytes:file:)`, and
    /// checks what the loader promises: a refusal says why, and a loaded spec's resolved
    /// YAML loads back as an equal spec. A broken promise stops the process.
    @discardableResult
    static func run(_ bytes: [UInt8]) -> Outcome {
        _ = try? YAMLParser.parse(bytes, file: "fuzz.yaml")
        let plan: Sweep
        do {
            plan = try SpecLoader.load(bytes: bytes, file: "spec/fuzz.yaml", workingDirectory: sandbox)
        } catch {
            precondition(!error.items.isEmpty, "the spec was refused without a diagnostic")
            return .refused(error)
        }
        precondition(!plan.points.isEmpty, "the spec loaded with no run in it")
        for point in plan.points.prefix(3) {
            let resolved = Array(point.spec.resolvedYAML(dataPathsRelativeTo: sandbox + "/spec").utf8)
            do {
                let reloaded = try SpecLoader.load(bytes: resolved, file: "spec/resolved.yaml", workingDirectory: sandbox)
                precondition(reloaded.points.count == 1, "a resolved spec has a sweep")
                precondition(reloaded.base == point.spec, "the resolved spec loads as a different spec")
                precondition(reloaded.base.resolvedYAML == point.spec.resolvedYAML, "the resolved YAML is not stable")
            } catch {
                preconditionFailure("the resolved spec does not load:\n\(error)\n--- resolved:\n\(point.spec.resolvedYAML)")
            }
        }
        return .loaded(points: plan.points.count)
    }
}

/// The entry point. With `-DFUZZING` it hands over to libFuzzer's driver: SwiftPM links
/// an executable's `main` to this module's entry point (`--defsym main=FuzzSpec_main`),
/// which hides the `main` of libFuzzer's runtime, so that one cannot be used. Without
/// `-DFUZZING` it replays the files given.
@main
enum FuzzSpec {
    static func main() {
        atexit { try? FileManager.default.removeItem(atPath: SpecFuzzer.sandbox) }
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        exit(replay(CommandLine.arguments.dropFirst()))
        #endif
    }
}

#if FUZZING

/// libFuzzer's driver (compiler-rt's FuzzerInterface.h): parses libFuzzer's flags from
/// `argv` and calls `callback` with each input.
@_extern(c, "LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// One input; always 0 (libFuzzer keeps it if it reached new code). Exported under
/// libFuzzer's name too, because the `main` of libFuzzer's runtime, linked in although
/// unused, refers to it.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    SpecFuzzer.run(Array(UnsafeBufferPointer(start: start, count: count)))
    return 0
}

#else

/// Runs each file given, and every file in each folder given, through the fuzz target's
/// function and prints what it did; 0 when every input was replayed.
func replay(_ arguments: ArraySlice<String>) -> Int32 {
    guard !arguments.isEmpty, !arguments.contains(where: { $0 == "-h" || $0 == "--help" }) else {
        print("usage: FuzzSpec FILE_OR_FOLDER...   (replays inputs; build with -DFUZZING to fuzz)")
        return arguments.isEmpty ? 2 : 0
    }
    var count = 0
    for path in arguments.flatMap(inputs(at:)) {
        guard let data = FileManager.default.contents(atPath: path) else {
            print("\(path): cannot read")
            return 2
        }
        switch SpecFuzzer.run([UInt8](data)) {
        case .loaded(let points): print("\(path): loaded, \(points) point(s)")
        case .refused(let diagnostics):
            let first = diagnostics.items[0].description.split(separator: "\n", omittingEmptySubsequences: false)[0]
            print("\(path): refused, \(diagnostics.items.count) diagnostic(s); first: \(first)")
        }
        count += 1
    }
    print("replayed \(count) input(s) without a crash")
    return 0
}

/// `path` itself, or the files directly in it in name order.
private func inputs(at path: String) -> [String] {
    guard isFolder(path) else { return [path] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    return names.sorted().map { path + "/" + $0 }.filter { !isFolder($0) }
}

private func isFolder(_ path: String) -> Bool { FileSystem.isDirectory(path) }

#endif
