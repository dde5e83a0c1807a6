import Foundation
import TestSupport
import XCTest

/// The techniques of the course's second part (mini-batches, momentum, Adam, decay) against
/// numpy (`Benchmarks/course2_numpy.py`, the course's optimization notebook), on specs that
/// mix them (Fixtures/techniques/) and on the course's own runs (experiments/course2/),
/// with every engine that trains them. The oracle's outputs are in
/// Fixtures/oracle_techniques.json and oracle_course2.json, made by
/// Tests/Fixtures/regenerate_golden.py (GoldenFixtureTests checks them).
final class TechniqueParityTests: XCTestCase {
    struct Oracle: Decodable {
        var costs: [[Double]]
        var learning_rates: [[Double]]?
        var final_cost: Double
        var train_accuracy: Double
        var test_accuracy: Double?
        var parameters: [String: [[Double]]]?
    }

    struct Metrics: Decodable {
        var final_cost: Double
        var train_accuracy: Double
        var test_accuracy: Double?
    }

    private func oracles(_ file: String) throws -> [String: Oracle] {
        let url = packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/\(file)")
        return try JSONDecoder().decode([String: Oracle].self, from: Data(contentsOf: url))
    }

    /// Trains `spec` with `engine` and compares costs.csv, metrics.json and (where the
    /// oracle has them) parameters.json with numpy's, within 1e-9.
    private func assertMatches(
        spec: URL, engine: String, _ oracle: Oracle, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let dir = try temporaryDirectory(for: self)
        let result = try runDnnRun(
            [spec.path, "--results", dir.path, "--quiet", "--set", "training.engine=\(engine)"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let name = spec.deletingPathExtension().lastPathComponent
        let folder = dir.appendingPathComponent("\(name)/training.engine=\(engine)")
        let manifest = try String(contentsOf: folder.appendingPathComponent("manifest.json"), encoding: .utf8)
        if engine == "auto", name.contains("adam") {
            XCTAssertTrue(manifest.contains("\"engine\": \"primal\""), manifest, file: file, line: line)
        }
        let csv = try String(contentsOf: folder.appendingPathComponent("costs.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(
            String(lines[0]), oracle.learning_rates == nil ? "iteration,cost" : "iteration,cost,learning_rate",
            file: file, line: line)
        let rows = lines.dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(rows.map { $0[0] }, oracle.costs.map { $0[0] }, "recorded passes", file: file, line: line)
        assertClose(rows.map { $0[1] }, oracle.costs.map { $0[1] }, tolerance: 1e-9, "\(name) \(engine): costs vs numpy", file: file, line: line)
        if let rates = oracle.learning_rates {
            // The same formula on the same doubles: bit for bit.
            XCTAssertEqual(rows.map { $0[2] }, rates.map { $0[1] }, "\(name): learning rates", file: file, line: line)
        }
        let metrics = try JSONDecoder().decode(Metrics.self, from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
        XCTAssertEqual(metrics.final_cost, oracle.final_cost, accuracy: 1e-9, "\(name) \(engine)", file: file, line: line)
        XCTAssertEqual(metrics.train_accuracy, oracle.train_accuracy, "\(name) \(engine)", file: file, line: line)
        XCTAssertEqual(metrics.test_accuracy, oracle.test_accuracy, "\(name) \(engine)", file: file, line: line)
        guard let expected = oracle.parameters else { return }
        let parameters = try JSONDecoder().decode(
            [String: [[Double]]].self, from: Data(contentsOf: folder.appendingPathComponent("parameters.json")))
        XCTAssertEqual(Set(parameters.keys), Set(expected.keys), file: file, line: line)
        for (key, matrix) in expected {
            assertClose(
                (parameters[key] ?? []).flatMap { $0 }, matrix.flatMap { $0 }, tolerance: 1e-9,
                "\(name) \(engine): \(key) vs numpy", file: file, line: line)
        }
    }

    /// The engines that train a spec: primal, auto, and dual unless it is Adam's.
    private func engines(for name: String) -> [String] {
        name.contains("adam") ? ["primal", "auto"] : ["primal", "dual", "auto"]
    }

    /// Mini-batches that do not divide m, momentum with decay, Adam with its own beta1 and
    /// epsilon on tanh layers, a staircase on full-batch descent, Adam on the cat data.
    func testSpecsMixingTheTechniquesMatchNumpyWithEveryEngine() throws {
        let oracles = try oracles("oracle_techniques.json")
        XCTAssertEqual(oracles.count, 4)
        for (name, oracle) in oracles.sorted(by: { $0.key < $1.key }) {
            let spec = packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/techniques/\(name).yaml")
            for engine in engines(for: name) { try assertMatches(spec: spec, engine: engine, oracle) }
        }
    }

    /// The course's optimization runs (moons, 5000 or 10000 passes of 5 mini-batches).
    func testTheCoursesOptimizationRunsMatchNumpy() throws {
        let oracles = try oracles("oracle_course2.json")
        XCTAssertEqual(oracles.count, 7)
        for (name, oracle) in oracles.sorted(by: { $0.key < $1.key }) {
            let spec = packageRoot().appendingPathComponent("experiments/course2/\(name).yaml")
            try assertMatches(spec: spec, engine: name.contains("adam") ? "primal" : "dual", oracle)
        }
    }
}
