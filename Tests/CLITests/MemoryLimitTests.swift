import Foundation
import TestSupport
import XCTest

@testable import Runs
import Data
import DeepNet
import Spec
import Support

/// Memory is checked for the engine that will run, against the smallest limit in force:
/// physical memory, the cgroup's (what a container or Slurm enforces by killing), and
/// the address space (ulimit -v).
final class MemoryLimitTests: XCTestCase {
    /// A spec over `examples` toy examples, so that the dual engine's m x m Gram matrix
    /// is large while the primal engine needs little.
    private func spec(in dir: URL, examples: Int, engine: String) throws -> URL {
        let url = try writeToySpec(in: dir, extra: "")
        try writeToyData(in: dir, examples: examples)
        var text = try String(contentsOf: url, encoding: .utf8)
        text = text.replacingOccurrences(of: "  record_every: 10\n", with: "  record_every: 10\n  engine: \(engine)\n")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Runs dnn-run inside a new memory cgroup limited to `bytes`; nil when this machine
    /// does not let the test make one (not root, or no writable memory controller).
    private func runInCgroup(limit bytes: Int, _ arguments: [String], in dir: URL) throws -> ProcessResult? {
        guard let membership = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) else { return nil }
        var candidates: [(dir: String, limitFile: String)] = []
        for line in membership.split(separator: "\n") {
            let f = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard f.count == 3 else { continue }
            if f[1].split(separator: ",").contains("memory") {
                candidates.append(("/sys/fs/cgroup/memory" + f[2], "memory.limit_in_bytes"))
            } else if f[0] == "0" && f[1].isEmpty {
                candidates.append(("/sys/fs/cgroup" + f[2], "memory.max"))
            }
        }
        for (parent, limitFile) in candidates {
            let group = parent.replacingOccurrences(of: "//", with: "/") + "/dnn-run-test-\(getpid())-\(UUID().uuidString.prefix(8))"
            guard mkdir(group, 0o755) == 0 else { continue }
            defer { rmdir(group) }
            guard (try? "\(bytes)".write(toFile: group + "/" + limitFile, atomically: false, encoding: .utf8)) != nil else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            let quoted = ([dnnRunExecutable().path] + arguments).map { "'\($0)'" }.joined(separator: " ")
            process.arguments = ["-c", "echo $$ > '\(group)/cgroup.procs' && exec \(quoted)"]
            process.currentDirectoryURL = dir
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return ProcessResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                 stderr: String(decoding: stderr, as: UTF8.self))
        }
        return nil
    }

    func testACgroupLimitBelowTheModelIsRefusedWithBothNumbers() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        guard let result = try runInCgroup(
            limit: 200 << 20, [spec.path, "--quiet", "--set", "model.layer_dims=[6, 20000, 2000, 1]"], in: dir)
        else { throw XCTSkip("cannot make a memory cgroup here") }
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("would need about 1.4 GB of memory"), result.stderr)
        XCTAssertTrue(result.stderr.contains("the cgroup memory limit ("), result.stderr)
        XCTAssertTrue(result.stderr.contains("is 209.7 MB"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path))
    }

    func testAnExplicitDualEngineThatDoesNotFitIsRefusedWithTheHintToUsePrimal() throws {
        let dir = try temporaryDirectory(for: self)
        // m = 6000: G alone is 288 MB; the primal engine needs well under 10 MB.
        let spec = try spec(in: dir, examples: 6000, engine: "dual")
        guard let result = try runInCgroup(limit: 200 << 20, [spec.path, "--quiet"], in: dir)
        else { throw XCTSkip("cannot make a memory cgroup here") }
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("toy.yaml:13:11: error: training.engine: dual would need about"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Gram matrix X^T X is 6000 x 6000"), result.stderr)
        XCTAssertTrue(result.stderr.contains("hint: use 'engine: primal' (or auto), which needs about"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path))

        // The same spec with the primal engine trains within the same limit.
        let primal = try self.spec(in: dir, examples: 6000, engine: "primal")
        guard let trained = try runInCgroup(limit: 200 << 20, [primal.path, "--quiet", "--set", "training.learning_rate=0.05"], in: dir) else { return }
        XCTAssertEqual(trained.status, 0, trained.stdout + trained.stderr)
    }

    func testEstimatesAreForTheEngineThatRuns() {
        let dims = [784, 128, 64, 1]
        let primal = EngineKind.primal.memoryEstimate(layerDims: dims, examples: 60000)
        let dual = EngineKind.dual.memoryEstimate(layerDims: dims, examples: 60000)
        // A and dZ of 193 units over 60000 examples, and the parameters four times.
        XCTAssertEqual(primal, 8 * (4 * Double(128 * 785 + 64 * 129 + 65) + 2 * 193 * 60000))
        XCTAssertLessThan(primal, 1e9, "the primal engine needs well under 1 GB here")
        // 60000 is a multiple of 24: the kernel's layout of G is as large as G; it is made
        // 7512 rows of G at a time (an eighth of m, rounded up to 24).
        let layout = 60000.0 * 60000, block = 7512.0 * 60000, pAndC = 2.0 * 128 * 60000
        XCTAssertEqual(dual - primal, 8 * (layout + block + pAndC), "G's layout, a block of G, P and C")
    }

    func testAutoNeverPicksTheDualEngineWhenItsGramMatrixDoesNotFit() throws {
        let X = Matrix(rows: 6, cols: 3000)
        let train = Dataset(X: X, Y: Matrix(rows: 1, cols: 3000), sha256: "", path: "/x.csv")
        let spec = ExperimentSpec(
            name: "t", train: DataSplit(path: "/x.csv", format: .csv), layerDims: [6, 4, 1],
            learningRate: 0.1, iterations: 10, specPath: "/t.yaml")
        let small = MemoryLimit(bytes: 100e6, source: .physicalMemory)  // G is 72 MB, the process 64 MB
        XCTAssertFalse(RunPlanner.dualFits(spec, train: train, limit: small))
        XCTAssertTrue(RunPlanner.dualFits(spec, train: train, limit: MemoryLimit(bytes: 1e9, source: .physicalMemory)))
        XCTAssertEqual(RunPlanner.memoryProblems(spec, train: train, limit: small), [], "auto trains with primal")
        var dual = spec
        dual.engine = .dual
        let problems = RunPlanner.memoryProblems(dual, train: train, limit: small)
        XCTAssertEqual(problems.count, 1)
        XCTAssertEqual(problems.first?.key, "training.engine")
        XCTAssertTrue(problems.first?.message.contains("this machine has 100.0 MB") ?? false, "\(problems)")
    }
}

/// The estimate against what a real run uses.
final class MemoryEstimateTests: XCTestCase {
    func testTheEstimateCoversThePeakAndIsNotFarAboveIt() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else {
            return XCTFail("/usr/bin/time is missing: install Debian's package time (make deps does)")
        }
        let dir = try temporaryDirectory(for: self)
        // 3000 examples of 300 features: the data 7 MB, the primal engine's activations
        // (769 units over 3000 examples, twice) 37 MB, the parameters 4 x 2.2 MB.
        var text = (0..<300).map { "f\($0)" }.joined(separator: ",") + ",label\n"
        for i in 0..<3000 {
            text += (0..<300).map { String(($0 * 7 + i * 13) % 100) }.joined(separator: ",") + ",\(i % 2)\n"
        }
        try text.write(to: dir.appendingPathComponent("wide.csv"), atomically: true, encoding: .utf8)
        try """
            name: wide
            data:
              train: wide.csv
              scale: 100
            model:
              layer_dims: [300, 512, 256, 1]
            training:
              learning_rate: 0.01
              iterations: 3
              engine: primal

            """.write(to: dir.appendingPathComponent("wide.yaml"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        let report = dir.appendingPathComponent("rss")
        process.arguments = ["-f", "%M", "-o", report.path, dnnRunExecutable().path, "wide.yaml", "--quiet"]
        process.currentDirectoryURL = dir
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let measured = Double(try String(contentsOf: report, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines))! * 1024

        let spec = ExperimentSpec(
            name: "wide", train: DataSplit(path: dir.appendingPathComponent("wide.csv").path, format: .csv),
            layerDims: [300, 512, 256, 1], learningRate: 0.01, iterations: 3, specPath: dir.path + "/wide.yaml")
        let train = try Dataset(contentsOf: spec.train, scale: 100)
        let estimate = RunPlanner.memoryNeeded(
            spec, engine: .primal, train: train, limit: MemoryLimit(bytes: 1e12, source: .physicalMemory))
        XCTAssertGreaterThanOrEqual(estimate, measured, "estimate \(estimate), measured peak \(measured)")
        XCTAssertLessThanOrEqual(estimate, 1.5 * measured, "estimate \(estimate), measured peak \(measured)")
    }
}
