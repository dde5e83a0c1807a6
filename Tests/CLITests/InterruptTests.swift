import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM sent to a real dnn-run process: completed runs stay intact,
/// nothing partial looks complete, and the next invocation resumes.
final class InterruptTests: XCTestCase {
    private func interrupt(with signal: Int32) throws {
        let dir = try temporaryDirectory(for: self)
        // Two points: the first finishes quickly, the second trains long enough to be interrupted.
        // A small learning rate: the long run must not saturate the sigmoid (a NaN cost)
        // before the signal arrives.
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 2_000_000,
                                    extra: "sweep:\n  training.iterations: [100, 2000000]\n")
        let marks = try RunMarks(in: dir)
        let process = try startDnnRun([spec.path], in: dir, environment: marks.environment)
        let experiment = dir.appendingPathComponent("results/toy")
        // The first point is complete and the second is training: the debug build marks
        // the second's first iteration.
        XCTAssertTrue(marks.wait(for: "training~training.iterations=2000000", while: process), "never trained the second point")
        kill(process.process.processIdentifier, signal)
        let result = process.wait()

        XCTAssertEqual(result.status, 1, "interrupted runs exit 1: \(result.stderr)")
        XCTAssertTrue(result.stdout.contains("interrupted; rerun the same command to resume"), result.stdout)
        // The completed point is intact; the interrupted one has no folder that looks complete.
        XCTAssertEqual(try runDnnRun(["verify", experiment.appendingPathComponent("training.iterations=100").path, "--quiet"], in: dir).status, 0)
        let second = experiment.appendingPathComponent("training.iterations=2000000")
        XCTAssertFalse(FileManager.default.fileExists(atPath: second.path))
        let staging = try FileManager.default.contentsOfDirectory(atPath: experiment.path).filter { $0.hasPrefix(".tmp-training.iterations=2000000") }
        XCTAssertEqual(staging.count, 1, "the staging folder stays, marked")
        guard let staged = staging.first else { return }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: experiment.appendingPathComponent("\(staged)/manifest.json"))) as! [String: Any]
        XCTAssertEqual(manifest["status"] as? String, "interrupted")
        XCTAssertTrue((manifest["error"] as? String ?? "").contains(signal == SIGTERM ? "SIGTERM" : "SIGINT"))

        // The next invocation resumes: the first point is up to date, the second trains
        // (made short here with a spec whose second point is small).
        let shorter = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 2_000_000, extra: "sweep:\n  training.iterations: [100, 200]\n")
        let resumed = try runDnnRun([shorter.path, "--quiet"], in: dir)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stdout.contains("2 runs: 1 trained, 1 up to date"), resumed.stdout)
    }

    func testSIGINTStopsCleanly() throws { try interrupt(with: SIGINT) }
    func testSIGTERMStopsCleanly() throws { try interrupt(with: SIGTERM) }
}
