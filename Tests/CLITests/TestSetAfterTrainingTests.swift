import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The test file is read again after training (issue 22): whatever happened to it since
/// planning, the training is kept, the run is completed without a test accuracy, and the
/// message says why; no line names a folder that was never written.
final class TestSetAfterTrainingTests: XCTestCase {
    private let files = FileManager.default

    /// Trains a few seconds, does `change` to the test file once training has begun, and
    /// returns what dnn-run printed and the run's manifest.
    private func replaceTestFileDuringTraining(
        _ change: (URL) throws -> Void
    ) throws -> (ProcessResult, [String: Any]?, URL) {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 600_000)
        let process = try startDnnRun([spec.path], in: dir)
        let results = dir.appendingPathComponent("results")
        let deadline = Date().addingTimeInterval(60)
        func staging() -> Bool { filesUnder(results).contains { $0.contains(".tmp-") } }
        while !staging() && process.process.isRunning && Date() < deadline { usleep(10_000) }
        XCTAssertTrue(process.process.isRunning, "training was still going when the file was changed")
        try change(dir.appendingPathComponent("test.csv"))
        let result = process.wait()
        let manifest = (try? Data(contentsOf: results.appendingPathComponent("toy/default/manifest.json")))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        return (result, manifest, dir)
    }

    private func assertCompletedWithoutTestAccuracy(
        _ outcome: (ProcessResult, [String: Any]?, URL), because reason: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let (result, manifest, dir) = outcome
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("toy: warning: no test accuracy: "), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(reason), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stdout.contains(", no test accuracy, "), result.stdout, file: file, line: line)
        XCTAssertTrue(result.stdout.contains("-> results/toy/default"), result.stdout, file: file, line: line)
        XCTAssertEqual(manifest?["status"] as? String, "completed", file: file, line: line)
        XCTAssertTrue((manifest?["test_error"] as? String ?? "").contains(reason), file: file, line: line)
        let run = dir.appendingPathComponent("results/toy/default")
        let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("metrics.json"))) as? [String: Any]
        XCTAssertTrue(metrics?["test_accuracy"] is NSNull, "\(String(describing: metrics))", file: file, line: line)
        XCTAssertTrue(files.fileExists(atPath: run.appendingPathComponent("parameters.json").path), file: file, line: line)
        XCTAssertFalse(filesUnder(dir.appendingPathComponent("results")).contains { $0.contains(".tmp-") }, "no staging left", file: file, line: line)
    }

    func testATestFileWithAnotherFeatureCountNoLongerCrashes() throws {
        let outcome = try replaceTestFileDuringTraining { test in
            try "a,b,label\n1,2,0\n3,4,1\n".write(to: test, atomically: true, encoding: .utf8)
        }
        try assertCompletedWithoutTestAccuracy(outcome, because: "now has 2 features per example, the model 6")
    }

    func testATestFileWithBadLabelsKeepsTheTraining() throws {
        let outcome = try replaceTestFileDuringTraining { test in
            try "f1,f2,f3,f4,f5,f6,label\n1,2,3,4,5,6,7\n".write(to: test, atomically: true, encoding: .utf8)
        }
        try assertCompletedWithoutTestAccuracy(outcome, because: "label")
    }

    func testADeletedTestFileKeepsTheTraining() throws {
        let outcome = try replaceTestFileDuringTraining { test in try FileManager.default.removeItem(at: test) }
        try assertCompletedWithoutTestAccuracy(outcome, because: "test.csv")
    }

    /// `ulimit -f`: writing the run fails, and the line names no folder.
    func testARunThatCannotBeWrittenNamesNoFolder() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let result = try runProgram("/bin/sh", ["-c", "ulimit -f 0; exec \"$0\" \"$@\"", dnnRunExecutable().path, spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("toy: FAILED: "), result.stdout)
        XCTAssertTrue(result.stdout.contains("File too large"), result.stdout)
        XCTAssertFalse(result.stdout.contains("->"), "names a folder that does not exist: \(result.stdout)")
        XCTAssertFalse(files.fileExists(atPath: dir.appendingPathComponent("results/toy/default").path))
    }
}
