import Foundation
import TestSupport
import XCTest

/// Seed statistics: `compare --group-by` and the groups of `summary.json`.
final class GroupTests: XCTestCase {
    private func sweep(in dir: URL) throws -> URL {
        let spec = try writeToySpec(
            in: dir, extra: "sweep:\n  training.learning_rate: [0.1, 0.5]\n  training.seed: [1, 2, 3]\n")
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        return dir.appendingPathComponent("results/toy")
    }

    private func finalCosts(_ experiment: URL, learningRate: String) throws -> [Double] {
        try (1...3).map { seed in
            let url = experiment.appendingPathComponent("training.learning_rate=\(learningRate),training.seed=\(seed)/metrics.json")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            return object["final_cost"] as! Double
        }
    }

    func testGroupingBySeedGivesMeanStdMinMaxPerGroup() throws {
        let dir = try temporaryDirectory(for: self)
        let experiment = try sweep(in: dir)
        let result = try runDnnRun(["compare", experiment.path, "--group-by", "!training.seed", "--format", "csv"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = parseCSV(result.stdout)
        XCTAssertEqual(rows.count, 3, result.stdout)
        XCTAssertEqual(Array(rows[0].prefix(4)), ["training.learning_rate", "n", "not_completed", "final_cost_mean"])
        for (row, rate) in zip(rows.dropFirst(), ["0.1", "0.5"]) {
            XCTAssertEqual(row[0], rate)
            XCTAssertEqual(row[1], "3")
            let costs = try finalCosts(experiment, learningRate: rate)
            let mean = costs.reduce(0, +) / 3
            let std = (costs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
            let column = { (name: String) in Double(row[rows[0].firstIndex(of: name)!])! }
            XCTAssertEqual(column("final_cost_mean"), mean, accuracy: 1e-12)
            XCTAssertEqual(column("final_cost_std"), std, accuracy: 1e-12)
            XCTAssertEqual(column("final_cost_min"), costs.min()!, accuracy: 1e-12)
            XCTAssertEqual(column("final_cost_max"), costs.max()!, accuracy: 1e-12)
        }
        // By a named key, as JSON: the same groups, numbers as numbers.
        let json = try runDnnRun(["compare", experiment.path, "--group-by", "training.learning_rate", "--format", "json"], in: dir)
        let groups = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [[String: Any]]
        XCTAssertEqual(groups.count, 2)
        XCTAssertEqual(groups[0]["n"] as? Int, 3)
    }

    func testAnUnknownGroupKeyIsAUsageErrorWithASuggestion() throws {
        let dir = try temporaryDirectory(for: self)
        let experiment = try sweep(in: dir)
        let result = try runDnnRun(["compare", experiment.path, "--group-by", "!training.sed"], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--group-by !training.sed: error: no run has the key 'training.sed'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("did you mean 'training.seed'?"), result.stderr)
    }

    func testSummaryJSONHoldsEveryRunAndEveryGroup() throws {
        let dir = try temporaryDirectory(for: self)
        let experiment = try sweep(in: dir)
        let data = try Data(contentsOf: experiment.appendingPathComponent("summary.json"))
        let summary = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let runs = summary["runs"] as! [[String: Any]]
        XCTAssertEqual(runs.count, 6)
        XCTAssertEqual((runs[0]["values"] as! [String: Any])["training.seed"] as? Int, 1)
        XCTAssertEqual(runs[0]["status"] as? String, "completed")
        let groups = summary["groups"] as! [String: Any]
        XCTAssertEqual(groups["by"] as? [String], ["training.learning_rate"])
        let list = groups["groups"] as! [[String: Any]]
        XCTAssertEqual(list.count, 2)
        let cost = list[1]["final_cost"] as! [String: Double]
        let costs = try finalCosts(experiment, learningRate: "0.5")
        XCTAssertEqual(cost["min"]!, costs.min()!, accuracy: 1e-12)
        XCTAssertEqual(cost["mean"]!, costs.reduce(0, +) / 3, accuracy: 1e-12)
    }
}

/// `--fail-fast`: a sweep stops starting runs at the first failure.
final class FailFastTests: XCTestCase {
    func testTheSweepStopsAtTheFirstFailedRun() throws {
        let dir = try temporaryDirectory(for: self)
        // The first point diverges (a learning rate of a million), the other two would train.
        let spec = try writeToySpec(in: dir, extra: "sweep:\n  training.learning_rate: [1000000, 0.1, 0.2]\n")
        let result = try runDnnRun([spec.path, "--quiet", "--fail-fast"], in: dir)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("3 runs: 1 failed, 2 not started (stopped at the first failure)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("stopped at the first failed run: results/toy/training.learning_rate=1000000.0"), result.stdout)
        let folders = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("results/toy").path)
            .filter { !$0.hasPrefix(".") && $0.hasPrefix("training.") }
        XCTAssertEqual(folders, ["training.learning_rate=1000000.0"])

        // Without it, the sweep goes on past the failure.
        let all = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(all.status, 1)
        XCTAssertTrue(all.stdout.contains("3 runs: 2 trained, 1 failed"), all.stdout)
    }
}
