import Data
import Foundation
import TestSupport
import XCTest

/// A spec whose data are generated, through the built binary: trained against the numpy
/// oracle (`Benchmarks/course_numpy.py` on Fixtures/moons_generated.yaml, recorded in
/// Fixtures/oracle_moons_generated.json by `Tests/Fixtures/regenerate_golden.py`), its
/// manifest and spec.yaml, up to date on a second run and a different spec with other
/// arguments, verified and applied by predict, all without a data file.
final class GeneratedDataCLITests: XCTestCase {
    struct Oracle: Decodable {
        var costs: [[Double]]
        var final_cost: Double
        var train_accuracy: Double
        var test_accuracy: Double
        var probabilities: [Double]
    }

    struct Metrics: Decodable {
        var final_cost: Double
        var train_accuracy: Double
        var test_accuracy: Double
    }

    private static let spec = packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/moons_generated.yaml").path

    private func oracle() throws -> Oracle {
        let url = packageRoot().appendingPathComponent("Tests/CLITests/Fixtures/oracle_moons_generated.json")
        return try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: url))
    }

    /// Trains the fixture spec into `dir`/results and returns its run folder.
    private func train(in dir: URL, _ extra: [String] = []) throws -> URL {
        let result = try runDnnRun([Self.spec, "--results", dir.appendingPathComponent("results").path, "--quiet"] + extra, in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        return dir.appendingPathComponent("results/moons_generated/default")
    }

    func testTrainingOnGeneratedMoonsMatchesTheOracle() throws {
        let dir = try temporaryDirectory(for: self)
        let folder = try train(in: dir)
        let expected = try oracle()
        let csv = try String(contentsOf: folder.appendingPathComponent("costs.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        XCTAssertEqual(rows.map { $0[0] }, expected.costs.map { $0[0] }, "recorded iterations")
        assertClose(rows.map { $0[1] }, expected.costs.map { $0[1] }, tolerance: 1e-9, "costs vs numpy")
        let metrics = try JSONDecoder().decode(Metrics.self, from: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
        XCTAssertEqual(metrics.final_cost, expected.final_cost, accuracy: 1e-9)
        XCTAssertEqual(metrics.train_accuracy, expected.train_accuracy)
        XCTAssertEqual(metrics.test_accuracy, expected.test_accuracy)

        // The manifest: each split's generator and arguments, no path and no hash.
        let datasets = try XCTUnwrap(readManifestJSON(folder)["datasets"] as? [[String: Any]])
        XCTAssertEqual(datasets.count, 2)
        XCTAssertEqual(datasets.map { $0.keys.sorted() }, [["generated", "split"], ["generated", "split"]])
        let train = try XCTUnwrap(datasets.first?["generated"] as? [String: Any])
        XCTAssertEqual(train["generate"] as? String, "moons")
        XCTAssertEqual(train["samples"] as? Int, 300)
        XCTAssertEqual(train["noise"] as? Double, 0.2)
        XCTAssertEqual(train["seed"] as? Int, 3)
        let spec = try String(contentsOf: folder.appendingPathComponent("spec.yaml"), encoding: .utf8)
        XCTAssert(spec.contains("  train:\n    generate: moons\n    samples: 300\n    noise: 0.2\n    seed: 3\n"), spec)

        // Again: up to date. Another seed in the same spec: a different spec (its identity
        // hashes the arguments), exit 2 and nothing written; under --set, a folder of its own.
        let results = dir.appendingPathComponent("results").path
        let again = try runDnnRun([Self.spec, "--results", results], in: dir)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssert(again.stdout.contains("up to date"), again.stdout)
        let edited = dir.appendingPathComponent("moons_generated.yaml")
        try String(contentsOfFile: Self.spec, encoding: .utf8)
            .replacingOccurrences(of: "noise: 0.2, seed: 3}", with: "noise: 0.2, seed: 4}")
            .write(to: edited, atomically: true, encoding: .utf8)
        let before = filesUnder(dir)
        let different = try runDnnRun([edited.path, "--results", results], in: dir)
        XCTAssertEqual(different.status, 2, different.stdout + different.stderr)
        XCTAssert(different.stderr.contains("holds a completed run of a different spec"), different.stderr)
        XCTAssertEqual(filesUnder(dir), before, "nothing written")
        let swept = try runDnnRun(
            [Self.spec, "--results", results, "--quiet", "--set", "data.train={generate: moons, samples: 300, noise: 0.2, seed: 4}"],
            in: dir)
        XCTAssertEqual(swept.status, 0, swept.stderr)
        XCTAssert(
            FileManager.default.fileExists(atPath: results + "/moons_generated/data.train=moons+300+0.2+4/manifest.json"),
            "\(filesUnder(dir))")
    }

    /// verify makes the sets again: nothing to find, and the run reproduces bit for bit.
    func testVerifyNeedsNoDataFile() throws {
        let dir = try temporaryDirectory(for: self)
        let folder = try train(in: dir)
        let verified = try runDnnRun(["verify", folder.path], in: dir)
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)
        XCTAssert(verified.stdout.contains("train data: generated, generate=moons samples=300 noise=0.2 seed=3 (no file)"), verified.stdout)
        XCTAssert(verified.stdout.contains("test data: generated, generate=moons samples=100 noise=0.2 seed=4 (no file)"), verified.stdout)
        XCTAssert(verified.stdout.contains("costs.csv: 10 costs identical, bit for bit"), verified.stdout)
        XCTAssert(verified.stdout.contains("reproduces"), verified.stdout)
    }

    /// predict on the generated test set's points, written as CSV by the user: numpy's
    /// probabilities within 1e-9 and the run's test accuracy.
    func testPredictOnTheGeneratedTestSetMatchesNumpy() throws {
        let dir = try temporaryDirectory(for: self)
        let folder = try train(in: dir)
        let (X, Y) = GeneratedSet(generator: .moons, samples: 100, noise: 0.2, seed: 4).make()
        let rows = (0..<X.cols).map { "\(X[0, $0]),\(X[1, $0]),\(Int(Y[0, $0]))" }
        let input = dir.appendingPathComponent("moons_test.csv")
        try ("x1,x2,label\n" + rows.joined(separator: "\n") + "\n").write(to: input, atomically: true, encoding: .utf8)
        let predicted = try runDnnRun(["predict", folder.path, input.path, "--format", "json"], in: dir)
        XCTAssertEqual(predicted.status, 0, predicted.stderr)
        struct Output: Decodable {
            struct Prediction: Decodable {
                var probability: Double
                var prediction: Int
                var label: Int?
            }
            var predictions: [Prediction]
        }
        let output = try JSONDecoder().decode(Output.self, from: Data(predicted.stdout.utf8))
        let expected = try oracle()
        assertClose(output.predictions.map(\.probability), expected.probabilities, tolerance: 1e-9, "probabilities vs numpy")
        let correct = output.predictions.filter { $0.prediction == $0.label }.count
        XCTAssertEqual(Double(correct) / Double(output.predictions.count), expected.test_accuracy)
    }
}
