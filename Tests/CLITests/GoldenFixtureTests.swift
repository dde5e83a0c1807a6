import Foundation
import TestSupport
import XCTest

/// The committed golden files are what `Tests/Fixtures/regenerate_golden.py` makes from
/// numpy (pinned in .venv-test) and `Benchmarks/course_numpy.py`: the script is run into a
/// temporary folder and every value it writes is compared with the committed one. Random
/// streams, draws, iterations and accuracies bit for bit; the oracle's costs and the
/// predictions' probabilities within a relative 1e-12 (numpy's BLAS sums in an order that
/// depends on the processor); geomspace's inner values and loguniform draws, which go
/// through the C library's `log`, `exp` or `pow` (README: "Random search is
/// reproducible"), within a relative 1e-14; the generated sets' points, which go through
/// sin and cos, within a relative 1e-12 (labels bit for bit).
final class GoldenFixtureTests: XCTestCase {
    private static let script = "Tests/Fixtures/regenerate_golden.py"
    private static let fixtures = "Tests/CLITests/Fixtures"

    /// golden_numpy.json, golden_generated.json, the 300-iteration oracles and the
    /// generated moons' oracle: the script's --quick part (seconds).
    func testGoldenValuesAndThe300IterationOraclesAreWhatTheScriptMakes() throws {
        try assertRegenerated(
            "--quick",
            [Golden.numpyPath, Golden.generatedPath, "\(Self.fixtures)/oracle_cat_2layer_300.json",
             "\(Self.fixtures)/oracle_cat_5layer_300.json", "\(Self.fixtures)/oracle_moons_generated.json",
             "\(Self.fixtures)/oracle_techniques.json"])
    }

    /// The 2500-iteration oracles and predict's fixture: numpy trains both course models
    /// in full (a minute or two), so only under DNN_RUN_FULL_PARITY=1 (make check-parity).
    func testThe2500IterationOraclesAndPredictionsAreWhatTheScriptMakes() throws {
        guard ProcessInfo.processInfo.environment["DNN_RUN_FULL_PARITY"] == "1" else {
            throw XCTSkip(
                "NOT TESTED here: numpy's 2500-iteration runs take a minute or two; `make check-parity` "
                    + "(DNN_RUN_FULL_PARITY=1) regenerates and compares them")
        }
        try assertRegenerated(
            "--long",
            ["\(Self.fixtures)/oracle_cat_2layer_2500.json", "\(Self.fixtures)/oracle_cat_5layer_2500.json",
             Golden.predictionsPath, "\(Self.fixtures)/oracle_course2.json"])
    }

    /// The relative tolerance of the number at `path` in `file`; nil: bit for bit.
    static func tolerance(file: String, path: String) -> Double? {
        if file == Golden.numpyPath {
            // geomspace's endpoints are the values given; the inner ones go through pow and log10.
            if path.hasPrefix("sweeps.geomspace.values["), path != "sweeps.geomspace.values[0]",
                path != "sweeps.geomspace.values[6]"
            {
                return 1e-14
            }
            return path.hasPrefix("sweeps.random_search.learning_rate[") ? 1e-14 : nil
        }
        if file == Golden.generatedPath {
            // The points go through sin and cos, whose last bit numpy's AVX-512 versions may
            // change, magnified where a coordinate nearly cancels (1 - sin t - 0.5, + noise).
            return path.contains(".X[") ? 1e-12 : nil
        }
        // The techniques' files hold one oracle per run: "fb_adam_tanh.costs[3][1]".
        let path = file.hasSuffix("oracle_techniques.json") || file.hasSuffix("oracle_course2.json")
            ? String(path.drop { $0 != "." }.dropFirst()) : path
        if path == "final_cost" || (path.hasPrefix("costs[") && path.hasSuffix("][1]")) { return 1e-12 }
        // Parameters after many products whose sums numpy's BLAS orders by processor.
        if path.hasPrefix("parameters.") { return 1e-9 }
        return path.hasPrefix("probabilities[") ? 1e-12 : nil
    }

    func testTheTolerancesAreWhereTheyBelong() {
        XCTAssertNil(Self.tolerance(file: Golden.numpyPath, path: "sweeps.linspace.values[3]"))
        XCTAssertNil(Self.tolerance(file: Golden.numpyPath, path: "sweeps.geomspace.values[0]"))
        XCTAssertNil(Self.tolerance(file: Golden.numpyPath, path: "sweeps.random_search.scale[0]"))
        XCTAssertNil(Self.tolerance(file: Golden.numpyPath, path: "numpy_random.long_streams[0].sum"))
        XCTAssertEqual(Self.tolerance(file: Golden.numpyPath, path: "sweeps.geomspace.values[3]"), 1e-14)
        XCTAssertEqual(Self.tolerance(file: Golden.generatedPath, path: "sets[0].X[1][7]"), 1e-12)
        XCTAssertNil(Self.tolerance(file: Golden.generatedPath, path: "sets[0].y[7]"), "labels bit for bit")
        let oracle = "\(Self.fixtures)/oracle_cat_5layer_300.json"
        XCTAssertNil(Self.tolerance(file: oracle, path: "costs[3][0]"), "the iteration")
        XCTAssertNil(Self.tolerance(file: oracle, path: "test_accuracy"))
        XCTAssertEqual(Self.tolerance(file: oracle, path: "costs[3][1]"), 1e-12)
        XCTAssertNil(Self.tolerance(file: Golden.predictionsPath, path: "predictions[3]"))
        // The comparison itself: a last-bit change fails bit for bit, passes within a tolerance.
        let (a, b) = (GoldenJSON.array([.number(0.1)]), GoldenJSON.array([.number(0.1.nextUp)]))
        XCTAssertEqual(a.differences(from: b) { _ in nil }.count, 1)
        XCTAssertEqual(a.differences(from: b) { _ in 1e-15 }, [])
        XCTAssertEqual(GoldenJSON.object(["a": .number(1)]).differences(from: .object([:])) { _ in nil }, ["a: made but not committed"])
    }

    /// Runs the script with `part` into a temporary folder and compares each of `files`.
    private func assertRegenerated(_ part: String, _ files: [String], line: UInt = #line) throws {
        guard let python = testPython() else {
            if ProcessInfo.processInfo.environment["DNN_RUN_TEST_PYTHON"] != nil { XCTFail("no test Python") }
            throw XCTSkip("the golden values are made by numpy: run `make test-venv` (make test does) or set DNN_RUN_TEST_PYTHON")
        }
        let root = packageRoot()
        let out = try temporaryDirectory(for: self)
        let made = try runProgram(python, [root.appendingPathComponent(Self.script).path, "--out", out.path, part], in: root)
        guard made.status == 0 else {
            return XCTFail("\(python) \(Self.script) \(part) failed (status \(made.status)):\n\(made.stderr)", line: line)
        }
        let regenerate = "if numpy's values are right, rewrite the committed files with `\(Golden.regenerate)` (from the package root)"
        for file in files {
            let differences = try GoldenJSON.read(out.appendingPathComponent(file))
                .differences(from: GoldenJSON.read(root.appendingPathComponent(file))) { Self.tolerance(file: file, path: $0) }
            XCTAssert(
                differences.isEmpty,
                "\(file): \(differences.count) value(s) differ from what \(Self.script) makes:\n  "
                    + differences.prefix(10).joined(separator: "\n  ") + "\n\(regenerate)", line: line)
        }
    }
}
