import Support
import Foundation
import TestSupport
import XCTest

/// The results tree of DESIGN.md, file by file, and the rules for rerunning a spec.
final class ResultsTreeTests: XCTestCase {
    private func sha256(_ url: URL) throws -> String {
        try sha256OfFile(atPath: url.path)
    }

    private func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func testASpecWithoutSweepWritesOneRunFolderWithEveryFile() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        // Layout 3: the spec as written is the point `default` of its experiment folder,
        // which holds the experiment's summary and plot as a sweep's does.
        let run = dir.appendingPathComponent("results/toy/default")
        XCTAssertEqual(filesUnder(dir.appendingPathComponent("results")).filter { !$0.contains("/.lock-") && !$0.hasPrefix(".lock-") },
                       ["toy/costs.svg", "toy/default/costs.csv", "toy/default/manifest.json", "toy/default/metrics.json",
                        "toy/default/parameters.json", "toy/default/spec.yaml", "toy/summary.csv", "toy/summary.json"])

        // The summary line: final cost, accuracies, seconds and the folder.
        XCTAssertTrue(result.stdout.contains("toy: final cost "), result.stdout)
        XCTAssertTrue(result.stdout.contains("train accuracy "), result.stdout)
        XCTAssertTrue(result.stdout.contains("test accuracy "), result.stdout)
        XCTAssertTrue(result.stdout.hasSuffix("-> results/toy/default\n"), result.stdout)

        // costs.csv: a header, then iteration,cost every record_every iterations.
        let costs = try String(contentsOf: run.appendingPathComponent("costs.csv"), encoding: .utf8)
        let lines = costs.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.first, "iteration,cost")
        XCTAssertEqual(lines.last, "", "ends with a newline")
        XCTAssertEqual(lines.dropFirst().dropLast().map { $0.split(separator: ",")[0] }, stride(from: 0, to: 200, by: 10).map { Substring(String($0)) })
        for line in lines.dropFirst().dropLast() {
            let cost = line.split(separator: ",")[1]
            XCTAssertEqual(Double(cost).map { "\($0)" }, String(cost), "shortest round-trip decimal")
        }

        // parameters.json: W1 (4, 6), b1 (4, 1), ... row-major.
        let parameters = try json(run.appendingPathComponent("parameters.json"))
        XCTAssertEqual(Set(parameters.keys), ["W1", "b1", "W2", "b2", "W3", "b3"])
        let shapes = ["W1": (4, 6), "b1": (4, 1), "W2": (3, 4), "b2": (3, 1), "W3": (1, 3), "b3": (1, 1)]
        for (name, (rows, cols)) in shapes {
            let matrix = parameters[name] as! [[Double]]
            XCTAssertEqual(matrix.count, rows, name)
            XCTAssertTrue(matrix.allSatisfy { $0.count == cols }, name)
        }

        // metrics.json.
        let metrics = try json(run.appendingPathComponent("metrics.json"))
        XCTAssertEqual(Set(metrics.keys), ["final_cost", "train_accuracy", "test_accuracy", "seconds", "iterations"])
        XCTAssertEqual(metrics["iterations"] as? Int, 200)
        for key in ["train_accuracy", "test_accuracy"] {
            let a = metrics[key] as! Double
            XCTAssertTrue((0...1).contains(a), "\(key) is a fraction")
        }
        XCTAssertGreaterThan(metrics["train_accuracy"] as! Double, 0.8, "the toy problem is learnable")

        // manifest.json: status, hashes of the spec and the data, engine, BLAS, times.
        let manifest = try json(run.appendingPathComponent("manifest.json"))
        XCTAssertEqual(manifest["status"] as? String, "completed")
        // The identity by content (issue 10; 0.1.0 hashed spec.yaml, with absolute paths).
        XCTAssertEqual(manifest["results_format"] as? Int, 3)
        XCTAssertEqual((manifest["spec_sha256"] as? String)?.count, 64)
        XCTAssertNotEqual(manifest["spec_sha256"] as? String, try sha256(run.appendingPathComponent("spec.yaml")))
        let datasets = manifest["datasets"] as! [[String: String]]
        XCTAssertEqual(datasets.map { $0["split"] }, ["train", "test"])
        XCTAssertEqual(datasets[0]["sha256"], try sha256(dir.appendingPathComponent("train.csv")))
        XCTAssertEqual(datasets[0]["path"], dir.appendingPathComponent("train.csv").standardizedFileURL.path)
        for key in ["dnn_run_version", "engine", "engine_reason", "blas_library", "host", "started", "finished"] {
            XCTAssertFalse((manifest[key] as? String ?? "").isEmpty, key)
        }
        XCTAssertEqual(manifest["engine"] as? String, "primal", "auto: 40 examples of 6 features is the primal's case")
        XCTAssertGreaterThanOrEqual(manifest["blas_threads"] as? Int ?? 0, 1)

        // spec.yaml: the resolved spec, defaults filled in and data paths relative to the
        // run folder (0.1.0 wrote them absolute), so the folder reruns wherever its data is.
        let resolved = try String(contentsOf: run.appendingPathComponent("spec.yaml"), encoding: .utf8)
        XCTAssertTrue(resolved.contains("path: ../../../train.csv"), resolved)
        XCTAssertFalse(resolved.contains(dir.path), resolved)
        for defaulted in ["hidden_activation: relu", "output_activation: sigmoid", "seed: 1", "engine: auto", "scale: 1"] {
            XCTAssertTrue(resolved.contains(defaulted), "\(defaulted) in\n\(resolved)")
        }
    }

    func testARerunIsUpToDateAndTrainsNothing() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let manifest = dir.appendingPathComponent("results/toy/default/manifest.json")
        let before = try Data(contentsOf: manifest)
        let again = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("toy: up to date"), again.stdout)
        XCTAssertEqual(try Data(contentsOf: manifest), before, "nothing rewritten")
    }

    func testAChangedSpecIsNeverOverwrittenWithoutForce() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let costs = dir.appendingPathComponent("results/toy/default/costs.csv")
        let before = try Data(contentsOf: costs)

        _ = try writeToySpec(in: dir, iterations: 100)
        let refused = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("different spec"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--force"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: costs), before)

        let forced = try runDnnRun([spec.path, "--quiet", "--force"], in: dir)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertNotEqual(try Data(contentsOf: costs), before)
        XCTAssertEqual(try String(contentsOf: costs, encoding: .utf8).split(separator: "\n").count, 11)
    }

    func testChangedDataRetrainsAndSaysWhy() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        try writeToyData(in: dir, examples: 41)
        let rerun = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("toy: training again (the train data changed since it ran)\n"), rerun.stdout)
        XCTAssertTrue(rerun.stdout.contains("toy: final cost"), rerun.stdout)
        let manifest = try json(dir.appendingPathComponent("results/toy/default/manifest.json"))
        let train = (manifest["datasets"] as! [[String: String]]).first { $0["split"] == "train" }
        XCTAssertEqual(train?["sha256"], try sha256(dir.appendingPathComponent("train.csv")), "the new data's hash")
    }

    func testSetOverridesGetTheirOwnFolder() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let result = try runDnnRun([spec.path, "--quiet", "--set", "training.seed=3", "--set", "training.learning_rate=0.25"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let run = dir.appendingPathComponent("results/toy/training.learning_rate=0.25,training.seed=3")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("manifest.json").path), filesUnder(dir).joined(separator: "\n"))
        let resolved = try String(contentsOf: run.appendingPathComponent("spec.yaml"), encoding: .utf8)
        XCTAssertTrue(resolved.contains("seed: 3"), resolved)
        XCTAssertTrue(resolved.contains("learning_rate: 0.25"), resolved)
    }

    func testValidateChecksWithoutWriting() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, extra: "sweep:\n  training.seed: [1, 2, 3]\n")
        let result = try runDnnRun(["validate", spec.path], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("ok (3 runs)"), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path))
    }
}
