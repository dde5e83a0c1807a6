import Foundation
import TestSupport
import XCTest

/// What compare and plot are given: each run counts once however it is named, a data
/// split is labelled as a person reads it, and a damaged metrics.json is said to be so.
final class ReportInputTests: XCTestCase {
    /// A sweep of three seeds; its experiment folder and its run folders.
    private func seeds(in dir: URL) throws -> (experiment: URL, runs: [URL]) {
        let spec = try writeToySpec(in: dir, extra: "sweep:\n  training.seed: [1, 2, 3]\n")
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let runs = runFolders(under: dir.appendingPathComponent("results"))
        XCTAssertEqual(runs.count, 3)
        return (dir.appendingPathComponent("results/toy"), runs)
    }

    func testEachRunCountsOnceHoweverItIsNamed() throws {
        let dir = try temporaryDirectory(for: self)
        let (experiment, runs) = try seeds(in: dir)
        let relative = String(runs[0].path.dropFirst(dir.standardizedFileURL.path.count + 1))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("link"), withDestinationURL: runs[0])
        let namings: [[String]] = [
            [experiment.path, runs[0].path],
            [runs[1].path, runs[1].path, experiment.path],
            ["./" + relative, relative, experiment.path + "/", experiment.path],
            ["link", experiment.path],
        ]
        for paths in namings {
            let grouped = try runDnnRun(["compare"] + paths + ["--group-by", "!training.seed", "--format", "csv"], in: dir)
            XCTAssertEqual(grouped.status, 0, grouped.stderr)
            let rows = parseCSV(grouped.stdout)
            XCTAssertEqual(rows.count, 2, "\(paths): \(grouped.stdout)")
            XCTAssertEqual(rows.last?[rows[0].firstIndex(of: "n") ?? 0], "3", "\(paths): \(grouped.stdout)")

            let table = try runDnnRun(["compare"] + paths + ["--format", "csv"], in: dir)
            XCTAssertEqual(parseCSV(table.stdout).count, 4, "\(paths): one row per run:\n\(table.stdout)")

            let svg = dir.appendingPathComponent("p.svg")
            let plot = try runDnnRun(["plot"] + paths + ["-o", svg.path], in: dir)
            XCTAssertEqual(plot.status, 0, plot.stderr)
            XCTAssertTrue(try String(contentsOf: svg, encoding: .utf8).contains("cost of 3 runs"), "\(paths)")
        }
    }

    func testADataSplitIsLabelledByItsPathAsARunnerReadsIt() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        try writeToyData(in: dir, name: "other.csv", seed: 3)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--set", "data.train=other.csv"], in: dir).status, 0)
        // Both runs named (a plain run's folder may also be the experiment's).
        let runs = runFolders(under: dir.appendingPathComponent("results")).map(\.path)
        XCTAssertEqual(runs.count, 2)

        let table = try runDnnRun(["compare"] + runs + ["--format", "csv"], in: dir)
        XCTAssertEqual(table.status, 0, table.stderr)
        let rows = parseCSV(table.stdout)
        let column = try XCTUnwrap(rows.first?.firstIndex(of: "data.train"), table.stdout)
        XCTAssertEqual(Set(rows.dropFirst().map { $0[column] }), ["train.csv", "other.csv"], table.stdout)

        let svg = dir.appendingPathComponent("p.svg")
        XCTAssertEqual(try runDnnRun(["plot"] + runs + ["-o", svg.path], in: dir).status, 0)
        let text = try String(contentsOf: svg, encoding: .utf8)
        XCTAssertTrue(text.contains("train=other.csv"), text)
        XCTAssertFalse(text.contains("+-1+true") || text.contains(dir.path), text)
    }

    func testAGarbageMetricsFileIsCalledDamaged() throws {
        let dir = try temporaryDirectory(for: self)
        let (experiment, runs) = try seeds(in: dir)
        try "{\"final_cost\": \"garbage".write(to: runs[1].appendingPathComponent("metrics.json"), atomically: true, encoding: .utf8)
        let result = try runDnnRun(["compare", experiment.path, "--format", "csv"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = parseCSV(result.stdout)
        let status = try XCTUnwrap(rows.first?.firstIndex(of: "status"))
        XCTAssertEqual(rows.dropFirst().map { $0[status] }, ["completed", "damaged", "completed"], result.stdout)
        XCTAssertTrue(result.stderr.contains("metrics.json"), result.stderr)
        XCTAssertTrue(result.stderr.contains("damaged"), result.stderr)

        // Grouped: the damaged run is not counted as a completed run without metrics.
        let grouped = try runDnnRun(["compare", experiment.path, "--group-by", "!training.seed", "--format", "csv"], in: dir)
        let groupRows = parseCSV(grouped.stdout)
        XCTAssertEqual(groupRows.last?[groupRows[0].firstIndex(of: "n")!], "2", grouped.stdout)
        XCTAssertEqual(groupRows.last?[groupRows[0].firstIndex(of: "not_completed")!], "1", grouped.stdout)
    }

    func testNoCostInACostsFileCrashesPlot() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let run = try onlyRunFolder(under: dir.appendingPathComponent("results"))
        let histories = [
            "iteration,cost\n0,1e305\n10,1e306\n20,1e308\n30,1.7976931348623157e308\n",
            "iteration,cost\n0,1.797e308\n10,1.797e308\n",
            "iteration,cost\n0,5e-324\n9223372036854775807,1e308\n",
        ]
        for history in histories {
            try history.write(to: run.appendingPathComponent("costs.csv"), atomically: true, encoding: .utf8)
            for log in [[], ["--log"]] {
                let svg = dir.appendingPathComponent("p.svg")
                let result = try runDnnRun(["plot", run.path, "-o", svg.path] + log, in: dir)
                XCTAssertEqual(result.status, 0, "\(history) \(log): \(result.stderr)")
                XCTAssertTrue(try String(contentsOf: svg, encoding: .utf8).hasSuffix("</svg>\n"))
            }
        }
    }
}
