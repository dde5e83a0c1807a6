import Foundation
import TestSupport
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `plot --group-by` (each group's mean cost with a band of ± 1 std) and what the
/// experiment's `costs.svg` draws: the seed groups, or above 20 runs the lowest and
/// highest final costs.
final class PlotGroupTests: XCTestCase {
    private func sweep(_ sweep: String, in dir: URL, iterations: Int = 200) throws -> URL {
        let spec = try writeToySpec(in: dir, iterations: iterations, extra: "sweep:\n" + sweep)
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        return dir.appendingPathComponent("results/toy")
    }

    private func notes(_ svg: String) throws -> [String] {
        try XMLDocument(xmlString: svg, options: []).nodes(forXPath: "//*[local-name()='text'][@class='note']")
            .compactMap(\.stringValue)
    }

    func testGroupByDrawsEachGroupsMeanWithABand() throws {
        let dir = try temporaryDirectory(for: self)
        let experiment = try sweep("  training.learning_rate: [0.1, 0.5]\n  training.seed: [1, 2, 3]\n", in: dir)
        let result = try runDnnRun(["plot", experiment.path, "-o", "groups.svg", "--group-by", "!training.seed"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "wrote groups.svg\n")
        let svg = try String(contentsOf: dir.appendingPathComponent("groups.svg"), encoding: .utf8)
        XCTAssertEqual(count("polyline", in: svg), 2)
        XCTAssertEqual(count("polygon", in: svg), 2)
        XCTAssertEqual(try legend(svg), ["learning_rate=0.1 (n=3)", "learning_rate=0.5 (n=3)"])
        XCTAssertEqual(try notes(svg), ["line: mean of a group's completed runs; band: ± 1 standard deviation"])
        XCTAssertTrue(svg.contains("<title>mean cost of 6 runs in results/toy, by learning_rate</title>"), svg)

        // Naming the key gives the same groups; without --group-by every run is drawn, as asked.
        XCTAssertEqual(try runDnnRun(["plot", experiment.path, "-o", "named.svg", "--group-by", "training.learning_rate"], in: dir).status, 0)
        XCTAssertEqual(try String(contentsOf: dir.appendingPathComponent("named.svg"), encoding: .utf8), svg)
        XCTAssertEqual(try runDnnRun(["plot", experiment.path, "-o", "all.svg"], in: dir).status, 0)
        let all = try String(contentsOf: dir.appendingPathComponent("all.svg"), encoding: .utf8)
        XCTAssertEqual(count("polyline", in: all), 6)
        XCTAssertEqual(count("polygon", in: all), 0)

        // The experiment's own costs.svg draws the same groups (every swept key but the seed).
        let own = try String(contentsOf: experiment.appendingPathComponent("costs.svg"), encoding: .utf8)
        XCTAssertEqual(count("polygon", in: own), 2)
        XCTAssertEqual(try legend(own), ["learning_rate=0.1 (n=3)", "learning_rate=0.5 (n=3)"])
    }

    func testAGroupWhoseRunsRecordedDifferentIterationsSaysSo() throws {
        let dir = try temporaryDirectory(for: self)
        let experiment = try sweep("  training.record_every: [10, 20]\n  training.seed: [1, 2]\n", in: dir)
        let result = try runDnnRun(["plot", experiment.path, "-o", "g.svg", "--group-by", "training.learning_rate"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        let svg = try String(contentsOf: dir.appendingPathComponent("g.svg"), encoding: .utf8)
        XCTAssertEqual(try legend(svg), ["learning_rate=0.5 (n=4)"])
        XCTAssertTrue(try notes(svg).contains("runs of a group recorded different iterations: means at the iterations all of them recorded"), svg)
        // Every 20th iteration from 0 to 180: ten points on the mean and on each side of the band.
        let points = try XMLDocument(xmlString: svg, options: []).nodes(forXPath: "//*[local-name()='polyline']/@points")
            .first?.stringValue?.split(separator: " ")
        XCTAssertEqual(points?.count, 10)
    }

    func testAnUnknownGroupKeyIsAUsageErrorWithASuggestion() throws {
        let dir = try temporaryDirectory(for: self)
        let experiment = try sweep("  training.seed: [1, 2]\n", in: dir)
        let result = try runDnnRun(["plot", experiment.path, "-o", "x.svg", "--group-by", "training.learnig_rate"], in: dir)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("--group-by training.learnig_rate: error: no run has the key 'training.learnig_rate'"), result.stderr)
        XCTAssertTrue(result.stderr.contains("did you mean 'training.learning_rate'?"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("x.svg").path), "nothing written")
    }

    func testAboveTwentyRunsCostsSVGDrawsTheLowestAndHighestFinalCosts() throws {
        let dir = try temporaryDirectory(for: self)
        let rates = (1...22).map { String(Double($0) / 20) }
        let experiment = try sweep("  training.learning_rate: [\(rates.joined(separator: ", "))]\n", in: dir, iterations: 30)
        let svg = try String(contentsOf: experiment.appendingPathComponent("costs.svg"), encoding: .utf8)
        XCTAssertEqual(try notes(svg), ["10 of 22 runs drawn: the 5 lowest and 5 highest final costs"])
        XCTAssertEqual(count("polyline", in: svg), 10)
        // The legend names each drawn run's final cost, lowest first, as metrics.json has it.
        var finals: [String: Double] = [:]
        for rate in rates {
            let url = experiment.appendingPathComponent("training.learning_rate=\(rate)/metrics.json")
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
            finals[rate] = object["final_cost"] as? Double
        }
        let ranked = rates.sorted { finals[$0]! < finals[$1]! }
        let expected = (ranked.prefix(5) + ranked.suffix(5)).map {
            "learning_rate=\($0) (final cost \(String(format: "%.4g", finals[$0]!)))"
        }
        XCTAssertEqual(try legend(svg), expected)

        // dnn-run plot still draws every run it is asked to.
        XCTAssertEqual(try runDnnRun(["plot", experiment.path, "-o", "all.svg"], in: dir).status, 0)
        let all = try String(contentsOf: dir.appendingPathComponent("all.svg"), encoding: .utf8)
        XCTAssertEqual(count("polyline", in: all), 22)
    }
}
