import Foundation
import TestSupport
import XCTest

import Glibc

/// Sweeps end to end on the toy problem: folder names, summary.csv, resume, shards,
/// parallel jobs, concurrent processes, verify and compare.
final class SweepTests: XCTestCase {
    static let sweep = """
        sweep:
          training.learning_rate: [0.1, 0.5, 1.0]
          training.seed: [1, 2]

        """
    static let folders = [
        "training.learning_rate=0.1,training.seed=1", "training.learning_rate=0.1,training.seed=2",
        "training.learning_rate=0.5,training.seed=1", "training.learning_rate=0.5,training.seed=2",
        "training.learning_rate=1.0,training.seed=1", "training.learning_rate=1.0,training.seed=2",
    ]

    private func runFolders(_ experiment: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: experiment.path)) ?? [])
            .filter { FileManager.default.fileExists(atPath: experiment.appendingPathComponent("\($0)/manifest.json").path) }
            .sorted()
    }

    private func summaryRows(_ experiment: URL) throws -> [[String]] {
        try parseCSV(String(contentsOf: experiment.appendingPathComponent("summary.csv"), encoding: .utf8))
    }

    func testASweepWritesAFolderPerPointAndASummary() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: Self.sweep)
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let experiment = dir.appendingPathComponent("results/toy")
        XCTAssertEqual(runFolders(experiment), Self.folders)
        let rows = try summaryRows(experiment)
        XCTAssertEqual(rows[0], ["folder", "training.learning_rate", "training.seed", "status", "final_cost",
                                 "train_accuracy", "test_accuracy", "seconds", "iterations"])
        XCTAssertEqual(rows.dropFirst().map { $0[0] }, Self.folders)
        XCTAssertEqual(rows.dropFirst().map { $0[1] }, ["0.1", "0.1", "0.5", "0.5", "1.0", "1.0"])
        XCTAssertEqual(rows.dropFirst().map { $0[3] }, Array(repeating: "completed", count: 6))
        XCTAssertTrue(FileManager.default.fileExists(atPath: experiment.appendingPathComponent("costs.svg").path))
        XCTAssertTrue(result.stdout.contains("6 runs: 6 trained"), result.stdout)
    }

    func testARerunResumesOnlyWhatIsMissingOrFailed() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: Self.sweep)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let experiment = dir.appendingPathComponent("results/toy")
        // Delete one point; mark another failed.
        try FileManager.default.removeItem(at: experiment.appendingPathComponent(Self.folders[1]))
        let manifest = experiment.appendingPathComponent("\(Self.folders[4])/manifest.json")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: "\"completed\"", with: "\"failed\"").write(to: manifest, atomically: true, encoding: .utf8)

        let rerun = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("6 runs: 2 trained, 4 up to date"), rerun.stdout)
        XCTAssertEqual(runFolders(experiment), Self.folders)
        XCTAssertEqual(try summaryRows(experiment).dropFirst().map { $0[3] }, Array(repeating: "completed", count: 6))
    }

    func testShardsPartitionTheSweep() throws {
        for n in [1, 2, 4, 7] {
            let dir = try temporaryDirectory(for: self)
            let spec = try writeToySpec(in: dir, extra: Self.sweep)
            var seen: [String] = []
            for i in 1...n {
                let results = dir.appendingPathComponent("shard\(i)")
                let r = try runDnnRun([spec.path, "--quiet", "--shard", "\(i)/\(n)", "--results", results.path], in: dir)
                XCTAssertEqual(r.status, 0, r.stderr)
                seen += runFolders(results.appendingPathComponent("toy"))
            }
            XCTAssertEqual(seen.sorted(), Self.folders, "--shard I/\(n) covers every point exactly once")
        }
    }

    /// The cat sweep with the dual engine, whose runs share one Gram matrix: --jobs 2
    /// writes the same bytes as --jobs 1 (100 iterations: the sharing is what is tested).
    func testParallelJobsOnTheCatSweepWithTheDualEngineGiveIdenticalBytes() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = packageRoot().appendingPathComponent("experiments/sweeps/cat_lr_seed.yaml").path
        let flags = ["--quiet", "--set", "training.iterations=100", "--set", "training.engine=dual"]
        let one = dir.appendingPathComponent("one"), two = dir.appendingPathComponent("two")
        let first = try runDnnRun([spec] + flags + ["--results", one.path], in: dir)
        XCTAssertEqual(first.status, 0, first.stdout + first.stderr)
        let second = try runDnnRun([spec] + flags + ["--jobs", "2", "--results", two.path], in: dir)
        XCTAssertEqual(second.status, 0, second.stdout + second.stderr)
        let folders = runFolders(one.appendingPathComponent("cat_lr_seed"))
        XCTAssertEqual(folders.count, 9)
        XCTAssertEqual(runFolders(two.appendingPathComponent("cat_lr_seed")), folders)
        for folder in folders {
            let manifest = try String(contentsOf: two.appendingPathComponent("cat_lr_seed/\(folder)/manifest.json"), encoding: .utf8)
            XCTAssertTrue(manifest.contains("\"engine\": \"dual\""), manifest)
            for file in ["costs.csv", "parameters.json"] {
                XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent("cat_lr_seed/\(folder)/\(file)")),
                               try Data(contentsOf: two.appendingPathComponent("cat_lr_seed/\(folder)/\(file)")), "\(folder)/\(file)")
            }
        }
    }

    func testParallelJobsGiveIdenticalResults() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: Self.sweep)
        let one = dir.appendingPathComponent("one"), two = dir.appendingPathComponent("two")
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--results", one.path], in: dir).status, 0)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--jobs", "2", "--results", two.path], in: dir).status, 0)
        for folder in Self.folders {
            for file in ["costs.csv", "parameters.json", "spec.yaml"] {
                XCTAssertEqual(try Data(contentsOf: one.appendingPathComponent("toy/\(folder)/\(file)")),
                               try Data(contentsOf: two.appendingPathComponent("toy/\(folder)/\(file)")), "\(folder)/\(file)")
            }
        }
    }

    func testTwoProcessesOnOneSweepShareTheWork() throws {
        let dir = try temporaryDirectory(for: self)
        // Small learning rates: long runs that never saturate the sigmoid.
        let spec = try writeToySpec(in: dir, iterations: 3000, extra: """
            sweep:
              training.learning_rate: [0.01, 0.02, 0.03]
              training.seed: [1, 2]

            """)
        // The test holds one point's lock, so that both processes meet on it whatever the
        // timing: each trains some of the other five, then waits for it; once it is
        // released, one trains it and the other takes its result.
        let experiment = dir.appendingPathComponent("results/toy")
        try FileManager.default.createDirectory(at: experiment, withIntermediateDirectories: true)
        let contested = "training.learning_rate=0.01,training.seed=1"
        let lock = open(experiment.appendingPathComponent(".lock-" + contested).path, O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(flock(lock, LOCK_EX), 0)
        let a = try startDnnRun([spec.path, "--quiet"], in: dir)
        let b = try startDnnRun([spec.path, "--quiet"], in: dir)
        let deadline = Date().addingTimeInterval(120)
        while runFolders(experiment).count < 5 && Date() < deadline { usleep(20_000) }
        XCTAssertEqual(runFolders(experiment).count, 5, "the five free points trained")
        XCTAssertTrue(a.process.isRunning && b.process.isRunning, "both wait for the contested point")
        close(lock)
        let ra = a.wait(), rb = b.wait()
        XCTAssertEqual(ra.status, 0, ra.stdout + ra.stderr)
        XCTAssertEqual(rb.status, 0, rb.stdout + rb.stderr)
        let claims = [ra, rb].filter { $0.stdout.contains("toy/\(contested): final cost ") }
        XCTAssertEqual(claims.count, 1, "the contested point trained once:\n\(ra.stdout)\n\(rb.stdout)")
        for result in [ra, rb] {
            XCTAssertTrue(result.stdout.contains("toy/\(contested): waiting for the other dnn-run process training it\n"), result.stdout)
        }
        let taker = claims.first?.stdout == ra.stdout ? rb : ra
        XCTAssertTrue(taker.stdout.contains("toy/\(contested): up to date"), "the other takes its result: \(taker.stdout)")
        XCTAssertEqual(runFolders(experiment).count, 6)
        // No point was trained by both: each "final cost" line names a point once overall.
        let trained = (ra.stdout + rb.stdout).split(separator: "\n").filter { $0.contains("final cost") }
            .map { String($0.prefix { $0 != ":" }) }
        XCTAssertEqual(trained.count, Set(trained).count, "a point trained twice:\n\(ra.stdout)\n\(rb.stdout)")
        XCTAssertEqual(try summaryRows(experiment).dropFirst().map { $0[3] }, Array(repeating: "completed", count: 6))
        // Nothing half-made is left: no staging folders.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: experiment.path).filter { $0.hasPrefix(".tmp-") || $0.hasPrefix(".old-") }
        XCTAssertEqual(leftovers, [])
        // Every run verifies.
        for folder in runFolders(experiment) {
            XCTAssertEqual(try runDnnRun(["verify", experiment.appendingPathComponent(folder).path, "--quiet"], in: dir).status, 0, folder)
        }
    }

    func testADivergingPointFailsAndTheSweepGoesOn() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: "sweep:\n  training.learning_rate: [0.5, 1.0e+6, 0.25]\n")
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 1, result.stderr)
        let experiment = dir.appendingPathComponent("results/toy")
        let failed = experiment.appendingPathComponent("training.learning_rate=1000000.0")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: failed.appendingPathComponent("manifest.json"))) as! [String: Any]
        XCTAssertEqual(manifest["status"] as? String, "failed")
        let error = manifest["error"] as? String ?? ""
        XCTAssertTrue(error.contains("at iteration"), error)
        XCTAssertTrue(error.contains("last finite cost"), error)
        XCTAssertTrue(FileManager.default.fileExists(atPath: failed.appendingPathComponent("costs.csv").path), "costs so far are kept")
        XCTAssertTrue(result.stdout.contains("failed runs:"), result.stdout)
        XCTAssertTrue(result.stdout.contains("results/toy/training.learning_rate=1000000.0"), result.stdout)
        // Rows in folder order: 0.25, 0.5, 1000000.0.
        XCTAssertEqual(try summaryRows(experiment).dropFirst().map { $0[2] }, ["completed", "completed", "failed"])
        for ok in ["training.learning_rate=0.5", "training.learning_rate=0.25"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: experiment.appendingPathComponent("\(ok)/parameters.json").path), ok)
        }
    }

    func testVerifyPassesAndCatchesAChangedByte() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let run = dir.appendingPathComponent("results/toy/default")
        let ok = try runDnnRun(["verify", run.path, "--quiet"], in: dir)
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        XCTAssertTrue(ok.stdout.contains("bit for bit"), ok.stdout)

        for file in ["costs.csv", "parameters.json"] {
            let url = run.appendingPathComponent(file)
            let original = try Data(contentsOf: url)
            var bytes = [UInt8](original)
            // Change the last digit of the first number after the header / opening bracket.
            let index = file == "costs.csv" ? bytes.firstIndex(of: UInt8(ascii: "\n"))! + 5 : bytes.firstIndex(of: UInt8(ascii: "["))! + 6
            bytes[index] = bytes[index] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            try Data(bytes).write(to: url)
            let bad = try runDnnRun(["verify", run.path, "--quiet"], in: dir)
            XCTAssertEqual(bad.status, 1, "\(file): \(bad.stdout)")
            XCTAssertTrue(bad.stdout.contains("\(file): MISMATCH"), bad.stdout)
            try original.write(to: url)
        }
        XCTAssertEqual(try runDnnRun(["verify", run.path, "--quiet", "--tolerance", "1e-12"], in: dir).status, 0)
        XCTAssertEqual(try runDnnRun(["verify", dir.path], in: dir).status, 2, "not a run folder")
    }

    func testCompareTabulatesTheKeysThatDiffer() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: "sweep:\n  training.learning_rate: [0.5, 0.25]\n")
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let csv = try runDnnRun(["compare", "results/toy", "--format", "csv", "--sort", "training.learning_rate"], in: dir)
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let rows = csv.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        XCTAssertEqual(rows.count, 3)
        XCTAssertEqual(rows[0], ["run", "training.learning_rate", "status", "final_cost", "train_accuracy", "test_accuracy", "seconds"])
        XCTAssertEqual(rows[1][0], "results/toy/training.learning_rate=0.25")
        XCTAssertEqual(rows[1][1], "0.25")
        XCTAssertEqual(rows[2][1], "0.5")
        XCTAssertEqual(rows[1][2], "completed")

        let table = try runDnnRun(["compare", "results/toy"], in: dir)
        XCTAssertEqual(table.status, 0)
        XCTAssertTrue(table.stdout.split(separator: "\n")[1].allSatisfy { $0 == "-" || $0 == " " }, table.stdout)
        let json = try runDnnRun(["compare", "results/toy", "--format", "json"], in: dir)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(parsed.count, 2)
        XCTAssertEqual(parsed[0]["status"] as? String, "completed")

        let typo = try runDnnRun(["compare", "results/toy", "--sort", "final_cots"], in: dir)
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("final_cost"), typo.stderr)
    }
}
