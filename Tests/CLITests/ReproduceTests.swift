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
        var quantity: String      // cost, train_accuracy or test_accuracy
        var iteration: Int?       // for a cost
        var printed: String       // as the notebook printed it
        var line: Int

        /// The decimals the notebook printed.
        var printedDecimals: Int { printed.split(separator: ".").dropFirst().first?.count ?? 0 }
        /// The decimals compared: those printed, at most 10 (see the file's "Precision").
        var comparedDecimals: Int { min(printedDecimals, 10) }
    }

    struct Oracle: Decodable {
        var costs: [[Double]]
        var train_accuracy: Double
        var test_accuracy: Double
    }

    private let root = packageRoot()
    private let models = ["cat_2layer", "cat_5layer"]

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
    private func oracle(_ model: String) throws -> Oracle {
        let url = root.appendingPathComponent("Tests/CLITests/Fixtures/oracle_\(model)_2500.json")
        return try JSONDecoder().decode(Oracle.self, from: Data(contentsOf: url))
    }

    private func rounded(_ x: Double, _ decimals: Int) -> String { String(format: "%.\(decimals)f", x) }

    /// Every cost the notebook prints (iterations 0, 100, ..., 2400) and both accuracies of
    /// both models, each equal to the oracle's when both are rounded to the compared decimals;
    /// the costs printed with every digit are also within 1e-14 of the oracle's (copies of the
    /// notebook differ from numpy here only in the last one or two digits).
    func testCourseNumbersMatchTheOracleAtThePrintedPrecision() throws {
        let values = try courseNumbers()
        XCTAssertEqual(Set(values.map(\.model)), Set(models))
        for model in models {
            let expected = try oracle(model)
            let oracleCosts = Dictionary(uniqueKeysWithValues: expected.costs.map { (Int($0[0]), $0[1]) })
            let rows = values.filter { $0.model == model }
            let costs = rows.filter { $0.quantity == "cost" }
            XCTAssertEqual(costs.map(\.iteration), Array(stride(from: 0, through: 2400, by: 100)), "\(model): the printed iterations")
            XCTAssertEqual(rows.filter { $0.quantity == "train_accuracy" }.count, 1, "\(model): one train accuracy")
            XCTAssertEqual(rows.filter { $0.quantity == "test_accuracy" }.count, 1, "\(model): one test accuracy")
            XCTAssertEqual(rows.count, costs.count + 2, "\(model): only costs and the two accuracies")
            for row in rows {
                let where_ = "course_numbers.tsv:\(row.line) (\(model) \(row.quantity) \(row.iteration.map(String.init) ?? ""))"
                guard let printed = Double(row.printed) else { XCTFail("\(where_): '\(row.printed)' is not a number"); continue }
                let reference: Double?
                switch row.quantity {
                case "cost": reference = row.iteration.flatMap { oracleCosts[$0] }
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
        // 2-layer costs to 10.
        XCTAssertEqual(Set(values.filter { $0.model == "cat_5layer" && $0.quantity == "cost" }.map(\.comparedDecimals)), [6])
        XCTAssertEqual(Set(values.filter { $0.model == "cat_2layer" && $0.quantity == "cost" }.map(\.comparedDecimals)), [10])
    }

    /// Writes run folders holding the oracle's numbers (costs in Swift's shortest round-trip
    /// form, as dnn-run writes them), with `edit` applied to the costs of `model`.
    private func writeOracleRuns(in dir: URL, editing model: String? = nil, _ edit: (inout [[Double]]) -> Void = { _ in }) throws {
        for name in models {
            var expected = try oracle(name)
            if name == model { edit(&expected.costs) }
            let folder = dir.appendingPathComponent(name + "/default")   // the spec as written
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let csv = "iteration,cost\n" + expected.costs.map { "\(Int($0[0])),\($0[1])\n" }.joined()
            try csv.write(to: folder.appendingPathComponent("costs.csv"), atomically: true, encoding: .utf8)
            let metrics = """
                {
                  "final_cost": 0.1,
                  "train_accuracy": \(expected.train_accuracy),
                  "test_accuracy": \(expected.test_accuracy),
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
        XCTAssertTrue(agree.stdout.contains("all 54 values agree"), agree.stdout)
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
        XCTAssertTrue(differs.stdout.contains("1 of 54 values do not agree"), differs.stdout)

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
        XCTAssertTrue(result.stdout.contains("dnn-run gives the course's numbers: all 54 values agree"), result.stdout)
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
