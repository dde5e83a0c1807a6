import CostPlot
import Foundation
import Reports
import Runs
import TestSupport
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The experiment's `costs.svg` at scale: seed groups with bands, or the lowest and
/// highest final costs above `ExperimentPlot.drawAllLimit` runs, small and quick for
/// 10,000 runs, saying what it left out.
final class ExperimentPlotTests: XCTestCase {
    /// How many runs the scale tests write: 2000, or `DNN_RUN_PLOT_RUNS` (a multiple of
    /// 10; 10000 measures the README's figures). Writing the folders, not plotting them,
    /// is what takes time: about 10 ms a folder on a busy machine.
    private let scale = ProcessInfo.processInfo.environment["DNN_RUN_PLOT_RUNS"].flatMap(Int.init) ?? 2000

    /// Writes run folders as a sweep leaves them (manifest.json, metrics.json, costs.csv),
    /// one per name; run k's costs decay from 0.7 towards `final(k)`, over 11 recorded
    /// iterations.
    private func writeRuns(_ names: [String], in experiment: String, final: (Int) -> Double) throws {
        let manifest = try RunFiles.jsonText(Manifest(
            status: .completed, specSHA256: String(repeating: "0", count: 64), datasets: [],
            dnnRunVersion: "test", engine: "primal", engineReason: "test", blasLibrary: "test",
            blasThreads: 1, host: "test", started: "2026-01-01T00:00:00Z", finished: "2026-01-01T00:00:00Z",
            iterationsCompleted: 100, error: nil))
        for (k, name) in names.enumerated() {
            let folder = experiment + "/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let cost = final(k)
            var csv = "iteration,cost\n"
            for i in 0...10 {
                csv += "\(i * 10),\(cost + (0.7 - cost) * exp(-Double(i) / 3))\n"
            }
            try csv.write(toFile: folder + "/costs.csv", atomically: false, encoding: .utf8)
            try manifest.write(toFile: folder + "/manifest.json", atomically: false, encoding: .utf8)
            try "{\"final_cost\": \(cost), \"train_accuracy\": 0.9, \"test_accuracy\": null, \"seconds\": 0.01, \"iterations\": 100}\n"
                .write(toFile: folder + "/metrics.json", atomically: false, encoding: .utf8)
        }
    }

    /// Writes the experiment's costs.svg, and returns it with the seconds that took.
    private func writePlot(_ experiment: String) throws -> (svg: String, seconds: Double) {
        let start = Date()
        try RunPlots.writeExperimentPlot(experimentFolder: experiment)
        let seconds = Date().timeIntervalSince(start)
        return (try String(contentsOfFile: experiment + "/costs.svg", encoding: .utf8), seconds)
    }

    func testManyRunsDrawTheFiveLowestAndFiveHighestFinalCosts() throws {
        let dir = TemporaryDirectory()
        let experiment = dir.file("lr")
        // Learning rates, final costs a scrambled permutation of 1/n … 1.
        let n = scale
        let start = Date()
        try writeRuns((0..<n).map { "training.learning_rate=\(Double($0 + 1) / 1e5)" }, in: experiment) {
            Double(($0 * 7919) % n + 1) / Double(n)
        }
        print("wrote \(n) run folders in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        let (svg, seconds) = try writePlot(experiment)
        print("costs.svg of \(n) runs: \(svg.utf8.count) bytes in \(String(format: "%.2f", seconds)) s")
        assertTiming(seconds, below: 3, "writing costs.svg of \(n) runs")
        XCTAssertLessThan(svg.utf8.count, 1_000_000)
        XCTAssertTrue(svg.contains(">10 of \(n) runs drawn: the 5 lowest and 5 highest final costs</text>"), svg)
        XCTAssertEqual(count("polyline", in: svg), 10)
        XCTAssertEqual(count("polygon", in: svg), 0)
        let finals = try legend(svg).map { label -> Double in
            let number = label.components(separatedBy: "(final cost ").last!.dropLast()
            return Double(number)!
        }
        XCTAssertEqual(finals, [1, 2, 3, 4, 5, n - 4, n - 3, n - 2, n - 1, n].map { Double($0) / Double(n) })
    }

    func testManyRunsInTenSeedGroupsDrawTenBands() throws {
        let dir = TemporaryDirectory()
        let experiment = dir.file("lr_seed")
        let seeds = scale / 10
        let rates = (1...10).map { Double($0) / 100 }
        let names = rates.flatMap { rate in (1...seeds).map { "training.learning_rate=\(rate),training.seed=\($0)" } }
        try writeRuns(names, in: experiment) { k in 0.05 * Double(k / seeds + 1) + 0.001 * Double(k % 7) }
        let (svg, seconds) = try writePlot(experiment)
        print("costs.svg of 10 groups of \(seeds) runs: \(svg.utf8.count) bytes in \(String(format: "%.2f", seconds)) s")
        assertTiming(seconds, below: 3, "writing costs.svg of \(names.count) runs in groups")
        XCTAssertLessThan(svg.utf8.count, 1_000_000)
        XCTAssertEqual(count("polyline", in: svg), 10)
        XCTAssertEqual(count("polygon", in: svg), 10)
        XCTAssertEqual(try legend(svg), rates.map { "learning_rate=\($0) (n=\(seeds))" })
        XCTAssertTrue(svg.contains("<title>mean cost of \(names.count) runs in "), svg)
        XCTAssertTrue(svg.contains(">line: mean of a group&apos;s completed runs; band: ± 1 standard deviation</text>"), svg)
    }

    func testMoreThanTwentyGroupsDrawTheFiveLowestAndFiveHighestMeans() throws {
        let dir = TemporaryDirectory()
        let experiment = dir.file("many")
        let names = (1...25).flatMap { rate in (1...2).map { "training.learning_rate=\(rate),training.seed=\($0)" } }
        // Group g (learning rate g + 1) has mean final cost 0.01 × (25 - g): the highest rates are best.
        try writeRuns(names, in: experiment) { k in 0.01 * Double(25 - k / 2) + (k % 2 == 0 ? 0.001 : -0.001) }
        let (svg, _) = try writePlot(experiment)
        XCTAssertTrue(svg.contains(">10 of 25 groups drawn: the 5 lowest and 5 highest mean final costs</text>"), svg)
        XCTAssertEqual(count("polygon", in: svg), 10)
        XCTAssertEqual(try legend(svg).map { $0.replacingOccurrences(of: " (n=2)", with: "") },
                       ["25", "24", "23", "22", "21", "5", "4", "3", "2", "1"].map { "learning_rate=\($0)" })
    }

    func testUpToTwentyRunsAreAllDrawn() throws {
        let dir = TemporaryDirectory()
        let experiment = dir.file("few")
        try writeRuns((1...20).map { "training.learning_rate=\($0)" }, in: experiment) { Double($0) / 100 }
        let (svg, _) = try writePlot(experiment)
        XCTAssertEqual(count("polyline", in: svg), 20)
        XCTAssertFalse(svg.contains("class=\"note\""), svg)
        XCTAssertEqual(try legend(svg).first, "learning_rate=1")
    }
}
