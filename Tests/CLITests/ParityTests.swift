import Foundation
import TestSupport
import XCTest

/// dnn-run against the numpy oracle (`Benchmarks/course_numpy.py`, the course algorithm in
/// numpy) on the course's cat data. The oracle's outputs are recorded in Fixtures/ by
/// `Tests/Fixtures/regenerate_golden.py` (GoldenFixtureTests checks them): the first 300
/// iterations with a cost every 10, and the full 2500.
final class ParityTests: XCTestCase {
    struct Oracle: Decodable {
        var costs: [[Double]]
        var final_cost: Double
        var train_accuracy: Double
        var test_accuracy: Double
    }

    struct Metrics: Decodable {
        var final_cost: Double
        var train_accuracy: Double
        var test_accuracy: Double
    }

    private func oracle(_ name: String) throws -> Oracle {
        let url = packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/\(name).json")
        return try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: url))
    }

    /// Runs a course spec with overrides and returns its run folder.
    private func train(_ spec: String, _ overrides: [String], in dir: URL) throws -> URL {
        let specPath = packageRoot().appendingPathComponent("experiments/\(spec).yaml").path
        let result = try runDnnRun([specPath, "--results", dir.path, "--quiet"] + overrides.flatMap { ["--set", $0] }, in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let experiment = dir.appendingPathComponent(spec)
        let folders = try FileManager.default.contentsOfDirectory(atPath: experiment.path).filter { !$0.hasPrefix(".") && $0.contains("=") }
        XCTAssertEqual(folders.count, 1, "\(folders)")
        return experiment.appendingPathComponent(folders.first ?? "")
    }

    private func assertMatchesOracle(_ folder: URL, _ oracle: Oracle, file: StaticString = #filePath, line: UInt = #line) throws {
        let csv = try String(contentsOf: folder.appendingPathComponent("costs.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(rows.map { $0[0] }, oracle.costs.map { $0[0] }, "recorded iterations", file: file, line: line)
        assertClose(rows.map { $0[1] }, oracle.costs.map { $0[1] }, tolerance: 1e-9, "costs vs numpy", file: file, line: line)
        // JSONDecoder reads doubles exactly (JSONSerialization on Linux does not).
        let metrics = try JSONDecoder().decode(Metrics.self, from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
        XCTAssertEqual(metrics.final_cost, oracle.final_cost, accuracy: 1e-9, file: file, line: line)
        XCTAssertEqual(metrics.train_accuracy, oracle.train_accuracy, file: file, line: line)
        XCTAssertEqual(metrics.test_accuracy, oracle.test_accuracy, file: file, line: line)
    }

    func testFirst300IterationsOfBothCatModelsMatchTheOracleWithEveryEngine() throws {
        for model in ["cat_5layer", "cat_2layer"] {
            let expected = try oracle("oracle_\(model)_300")
            for engine in ["primal", "dual", "auto"] {
                let dir = try temporaryDirectory(for: self)
                let folder = try train(model, ["training.iterations=300", "training.record_every=10", "training.engine=\(engine)"], in: dir)
                try assertMatchesOracle(folder, expected)
            }
        }
    }

    /// The whole course run, with the dual engine (auto's choice here), in every `make test`;
    /// the primal engine's full run is in `make check-parity` (DNN_RUN_FULL_PARITY=1).
    func testFull2500IterationsMatchTheCourse() throws {
        var engines = ["dual"]
        if ProcessInfo.processInfo.environment["DNN_RUN_FULL_PARITY"] == "1" { engines.append("primal") }
        for model in ["cat_5layer", "cat_2layer"] {
            let expected = try oracle("oracle_\(model)_2500")
            for engine in engines {
                let dir = try temporaryDirectory(for: self)
                let folder = try train(model, ["training.engine=\(engine)"], in: dir)
                try assertMatchesOracle(folder, expected)
            }
        }
        // The course's printed numbers: 5-layer train 0.9856, test 0.8; 2-layer train 1.0, test 0.72.
        XCTAssertEqual(try oracle("oracle_cat_5layer_2500").test_accuracy, 0.8)
        XCTAssertEqual(try oracle("oracle_cat_2layer_2500").test_accuracy, 0.72)
    }
}
