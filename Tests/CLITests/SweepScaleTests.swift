import Foundation
import TestSupport
import XCTest

/// Many tiny points, several processes, one results directory: the experiment's summaries
/// hold every run exactly once.
final class SweepScaleTests: XCTestCase {
    func testThreeProcessesOnAThreeHundredPointSweepLeaveWholeSummaries() throws {
        let dir = try temporaryDirectory(for: self)
        var csv = "x1,x2,label\n"
        for i in 0..<200 {
            let a = Double(i % 20) / 10 - 1, b = Double(i / 20) / 5 - 1
            csv += "\(a),\(b),\(a * b > 0 ? 1 : 0)\n"
        }
        try csv.write(to: dir.appendingPathComponent("planar.csv"), atomically: true, encoding: .utf8)
        let spec = dir.appendingPathComponent("tiny.yaml")
        try """
            name: tiny
            data:
              train: planar.csv
            model:
              layer_dims: [2, 4, 1]
            training:
              learning_rate: 0.5
              iterations: 10
              record_every: 5
            sweep:
              training.seed: {range: [0, 300]}

            """.write(to: spec, atomically: true, encoding: .utf8)
        let processes = try (0..<3).map { _ in try startDnnRun([spec.path, "--quiet"], in: dir) }
        var trained = 0
        for result in processes.map({ $0.wait() }) {
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdout.contains("300 runs:"), result.stdout)
            // "300 runs: 97 trained, 203 up to date": a point trained by two processes
            // would be counted twice.
            let counts = result.stdout.components(separatedBy: "300 runs: ").last ?? ""
            if let n = counts.split(separator: " ").first.flatMap({ Int($0) }), counts.contains("\(n) trained") { trained += n }
        }
        XCTAssertEqual(trained, 300, "each point trained by exactly one process")
        let experiment = dir.appendingPathComponent("results/tiny")
        let rows = parseCSV(try String(contentsOf: experiment.appendingPathComponent("summary.csv"), encoding: .utf8))
        let folders = rows.dropFirst().map { $0[0] }
        XCTAssertEqual(folders.count, 300)
        XCTAssertEqual(Set(folders).count, 300, "every run exactly once")
        XCTAssertTrue(rows.dropFirst().allSatisfy { $0[rows[0].firstIndex(of: "status")!] == "completed" })
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: experiment.appendingPathComponent("summary.json"))) as! [String: Any]
        let runs = (summary["runs"] as! [[String: Any]]).map { $0["folder"] as! String }
        XCTAssertEqual(Set(runs), Set(folders))
        XCTAssertEqual(runs.count, 300)
        // Every point was trained once: 300 manifests, and no staging or temporary file left.
        let entries = try FileManager.default.contentsOfDirectory(atPath: experiment.path)
        XCTAssertEqual(entries.filter { $0.hasPrefix("training.seed=") }.count, 300)
        XCTAssertEqual(entries.filter { $0.contains(".tmp-") || $0.hasPrefix(".old-") }, [])
    }
}
