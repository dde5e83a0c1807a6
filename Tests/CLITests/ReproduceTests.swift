import Foundation
import TestSupport
import XCTest

/// `make reproduce`: the course's printed numbers (experiments/course_numbers.tsv) held to
/// the numpy oracle's fixtures so that the file cannot drift, the comparison
/// (experiments/course_compare.awk) shown to fail on one differing digit, and the whole
/// script run with the built dnn-run.
final class ReproduceTests: XCTestCase {
    /// One row of course_numbers.tsv.
    struct CourseValue {
        var model: String
        var quantity: String      // cost, learning_rate, train_accuracy or test_accuracy
        var iteration: Int?       // for a cost or a learning rate
        var printed: String       // as the notebook printed it
        var line: Int

        /// The decimals the notebook printed.
        var printedDecimals: Int { printed.split(separator: ".").dropFirst().first?.count ?? 0 }
        /// The decimals compared: those printed, at most 10 (see the file's "Precision").
        var comparedDecimals: Int { min(printedDecimals, 10) }
    }

    struct Oracle: Decodable {
        var costs: [[Double]]
        var learning_rates: [[Double]]?   // the runs with a decay
        var train_accuracy: Double
        var test_accuracy: Double?        // the course's second part has no test set
    }

    private let root = packageRoot()
    private let catModels = ["cat_2layer", "cat_5layer"]
    /// The course's second part ("Optimization Methods"), experiments/course2/.
    private let course2Models = ["opt_gd", "opt_mom", "opt_adam", "dec_inv", "dec_stair", "dec_stair_mom", "dec_stair_adam"]
    private var models: [String] { catModels + course2Models }
    /// The values course_numbers.tsv holds: 27 for each cat model, 11 for each opt_* run
    /// (10 costs, one accuracy), 6 for each dec_* run and dec_inv's 3 learning rates.
    private let valueCount = 2 * 27 + 3 * 11 + 4 * 6 + 3

    private func courseNumbers() throws -> [CourseValue] {
        let text = try String(contentsOf: root.appendingPathComponent("experiments/course_numbers.tsv"), encoding: .utf8)
        var values: [CourseValue] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where !line.hasPrefix("#") && !line.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 4 else {
                XCTFail("course_numbers.tsv:\(index + 1): \(fields.count) fields, expected 4")
                continue
            }
            values.append(CourseValue(model: fields[0], quantity: fields[1], iteration: Int(fields[2]),
                                      printed: fields[3], line: index + 1))
        }
        return values
    }

    // JSONDecoder reads doubles exactly (JSONSerialization on Linux does not).
    // The cat models' fixtures come from numpy_reference.py, the course-2 runs' from
    // Benchmarks/course2_numpy.py (the notebook's loop), both by Tests/Fixtures/regenerate_golden.py.
    private func oracle(_ model: String) throws -> Oracle {
        let fixtures = root.appendingPathComponent("Tests/CLITests/Fixtures")
        if course2Models.contains(model) {
            let all = try JSONDecoder().decode([String: Oracle].self,
                                               from: Data(contentsOf: fixtures.appendingPathComponent("oracle_course2.json")))
            guard let one = all[model] else { throw CocoaError(.fileReadCorruptFile) }
            return one
        }
        return try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: fixtures.appendingPathComponent("oracle_\(model)_2500.json")))
    }

    /// The iterations at which the notebook printed a cost: every 100 of 2500 for the cat
    /// models, every 1000 epochs of 10000 (opt_*) or 5000 (dec_*) for the course's second part.
    private func printedIterations(_ model: String) -> [Int] {
        if model.hasPrefix("opt_") { return Array(stride(from: 0, through: 9000, by: 1000)) }
        if model.hasPrefix("dec_") { return Array(stride(from: 0, through: 4000, by: 1000)) }
        return Array(stride(from: 0, through: 2400, by: 100))
    }

    private func rounded(_ x: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", x) }

    /// Every cost the notebook prints (iterations 0, 100, ..., 2400) and both accuracies of
    /// both models, each equal to the oracle's when both are rounded to the compared decimals;
    /// the costs printed with every digit are also within 1e-14 of the oracle's (copies of the
    /// notebook differ from numpy here only in the last one or two digits).
    func testCourseNumbersMatchTheOracleAtThePrintedPrecision() throws {
        let values = try courseNumbers()
        XCTAssertEqual(Set(values.map(\.model)), Set(models))
        XCTAssertEqual(values.count, valueCount)
        for model in models {
            let expected = try oracle(model)
            let oracleCosts = Dictionary(uniqueKeysWithValues: expected.costs.map { (Int($0[0]), $0[1]) })
            let oracleRates = Dictionary(uniqueKeysWithValues: (expected.learning_rates ?? []).map { (Int($0[0]), $0[1]) })
            let rows = values.filter { $0.model == model }
            let costs = rows.filter { $0.quantity == "cost" }
            let rates = rows.filter { $0.quantity == "learning_rate" }
            let hasTestSet = expected.test_accuracy != nil
            XCTAssertEqual(costs.map(\.iteration), printedIterations(model), "\(model): the printed iterations")
            XCTAssertEqual(rows.filter { $0.quantity == "train_accuracy" }.count, 1, "\(model): one train accuracy")
            XCTAssertEqual(rows.filter { $0.quantity == "test_accuracy" }.count, hasTestSet ? 1 : 0, "\(model): the test accuracy")
            XCTAssertEqual(rows.count, costs.count + rates.count + (hasTestSet ? 2 : 1), "\(model): only costs, rates and accuracies")
            for row in rows {
                let where_ = "course_numbers.tsv:\(row.line) (\(model) \(row.quantity) \(row.iteration.map(String.init) ?? ""))"
                guard let printed = Double(row.printed) else { XCTFail("\(where_): '\(row.printed)' is not a number"); continue }
                let reference: Double?
                switch row.quantity {
                case "cost": reference = row.iteration.flatMap { oracleCosts[$0] }
                case "learning_rate": reference = row.iteration.flatMap { oracleRates[$0] }
                case "train_accuracy": reference = expected.train_accuracy
                case "test_accuracy": reference = expected.test_accuracy
                default: reference = nil
                }
                guard let reference else { XCTFail("\(where_): nothing in the oracle to compare with"); continue }
                XCTAssertGreaterThanOrEqual(row.printedDecimals, 1, where_)
                XCTAssertEqual(rounded(printed, row.comparedDecimals), rounded(reference, row.comparedDecimals),
                               "\(where_): printed \(row.printed), the oracle has \(reference)")
                if row.printedDecimals > 12 {
                    XCTAssertEqual(printed, reference, accuracy: 1e-14, "\(where_): printed with every digit")
                }
            }
        }
        // The precision the file promises: the 5-layer costs as printed (six decimals), the
        // 2-layer costs to 10, the course-2 costs to the six decimals of "%f".
        XCTAssertEqual(Set(values.filter { $0.model == "cat_5layer" && $0.quantity == "cost" }.map(\.comparedDecimals)), [6])
        XCTAssertEqual(Set(values.filter { $0.model == "cat_2layer" && $0.quantity == "cost" }.map(\.comparedDecimals)), [10])
        XCTAssertEqual(Set(values.filter { course2Models.contains($0.model) && $0.quantity == "cost" }.map(\.comparedDecimals)), [6])
    }

    /// Writes run folders holding the oracle's numbers (costs in Swift's shortest round-trip
    /// form, as dnn-run writes them), with `edit` applied to the costs of `model`.
    private func writeOracleRuns(in dir: URL, editing model: String? = nil, _ edit: (inout [[Double]]) -> Void = { _ in }) throws {
        for name in models {
            var expected = try oracle(name)
            if name == model { edit(&expected.costs) }
            let folder = dir.appendingPathComponent(name + "/default")   // the spec as written
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let csv: String
            if let rates = expected.learning_rates {
                XCTAssertEqual(rates.map { $0[0] }, expected.costs.map { $0[0] }, "\(name): a rate for each recorded cost")
                csv = "iteration,cost,learning_rate\n"
                    + zip(expected.costs, rates).map { "\(Int($0[0])),\($0[1]),\($1[1])\n" }.joined()
            } else {
                csv = "iteration,cost\n" + expected.costs.map { "\(Int($0[0])),\($0[1])\n" }.joined()
            }
            try csv.write(to: folder.appendingPathComponent("costs.csv"), atomically: true, encoding: .utf8)
            let metrics = """
                {
                  "final_cost": 0.1,
                  "train_accuracy": \(expected.train_accuracy),
                  "test_accuracy": \(expected.test_accuracy.map { "\($0)" } ?? "null"),
                  "seconds": 1.0,
                  "iterations": 2500
                }

                """
            try metrics.write(to: folder.appendingPathComponent("metrics.json"), atomically: true, encoding: .utf8)
        }
    }

    private func compare(_ results: URL) throws -> Output {
        try run("/usr/bin/env", ["awk", "-v", "results=\(results.path)", "-f", "experiments/course_compare.awk",
                                 "experiments/course_numbers.tsv"])
    }

    func testComparisonPassesOnTheOracleAndFailsOnOneDifferingDigit() throws {
        let same = try temporaryDirectory(for: self)
        try writeOracleRuns(in: same)
        let agree = try compare(same)
        XCTAssertEqual(agree.status, 0, agree.stdout + agree.stderr)
        XCTAssertTrue(agree.stdout.contains("all \(valueCount) values agree"), agree.stdout)
        XCTAssertFalse(agree.stdout.contains("DIFFERS"), agree.stdout)

        // One cost of the 5-layer model one unit off in the sixth decimal, the one it is printed with.
        let off = try temporaryDirectory(for: self)
        try writeOracleRuns(in: off, editing: "cat_5layer") { costs in
            let i = costs.firstIndex { $0[0] == 1200 }!
            costs[i][1] += 1e-6
        }
        let differs = try compare(off)
        XCTAssertEqual(differs.status, 1, differs.stdout + differs.stderr)
        let flagged = differs.stdout.split(separator: "\n").filter { $0.hasSuffix("  DIFFERS") }
        XCTAssertEqual(flagged.count, 1, differs.stdout)
        XCTAssertTrue(flagged.first?.contains("cost at iteration 1200") == true, differs.stdout)
        XCTAssertTrue(differs.stdout.contains("1 of \(valueCount) values do not agree"), differs.stdout)

        // A missing run folder is bad input, named.
        try FileManager.default.removeItem(at: off.appendingPathComponent("cat_2layer"))
        let missing = try compare(off)
        XCTAssertEqual(missing.status, 2, missing.stdout + missing.stderr)
        XCTAssertTrue(missing.stderr.contains(off.appendingPathComponent("cat_2layer/default/costs.csv").path), missing.stderr)
    }

    /// The script `make reproduce` runs, with the dnn-run the tests use: trains both models
    /// into a temporary folder that it removes, and every compared digit agrees.
    func testReproduceScriptGivesTheCourseNumbers() throws {
        let tmp = try temporaryDirectory(for: self)
        let result = try run("/bin/sh", ["experiments/reproduce.sh", dnnRunExecutable().path], environment: ["TMPDIR": tmp.path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("dnn-run gives the course's numbers: all \(valueCount) values agree"), result.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: tmp.path), [], "the temporary runs are removed")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a program in the package root and waits for it (its output goes through files, so
    /// that no pipe can fill up).
    private func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let dir = try temporaryDirectory(for: self)
        let outURL = dir.appendingPathComponent("stdout"), errURL = dir.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        defer { try? out.close(); try? err.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Output(status: process.terminationStatus,
                      stdout: try String(contentsOf: outURL, encoding: .utf8),
                      stderr: try String(contentsOf: errURL, encoding: .utf8))
    }
}
