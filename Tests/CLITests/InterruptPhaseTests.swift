import Foundation
import TestSupport
import XCTest

import Glibc

/// Signals that land outside the training loop: while a run's files are written, and a
/// second one while the first is being honoured.
final class InterruptPhaseTests: XCTestCase {
    /// A sweep of two points whose parameters.json is large (about 40 MB), so that writing
    /// it takes long enough for a signal to land in the middle; training itself is short.
    private func startLargeWrite(in dir: URL) throws -> (RunningProcess, URL) {
        let spec = try writeToySpec(
            in: dir, learningRate: "0.01", iterations: 2,
            extra: "sweep:\n  training.seed: [1, 2]\n")
        let process = try startDnnRun([spec.path, "--set", "model.layer_dims=[6, 2000, 1000, 1]"], in: dir)
        let experiment = dir.appendingPathComponent("results/toy")
        // Wait until the first point's parameters.json is being written in its staging folder.
        let deadline = Date().addingTimeInterval(60)
        var writing = false
        while !writing && Date() < deadline {
            let staging = (try? FileManager.default.contentsOfDirectory(atPath: experiment.path))?
                .filter { $0.hasPrefix(".tmp-") } ?? []
            writing = staging.contains { folder in
                let files = (try? FileManager.default.contentsOfDirectory(atPath: experiment.appendingPathComponent(folder).path)) ?? []
                return files.contains { $0.hasPrefix(".parameters.json.tmp~") }
            }
            if !writing { usleep(2_000) }
        }
        XCTAssertTrue(writing, "never saw parameters.json being written")
        return (process, experiment)
    }

    func testASignalWhileFilesAreWrittenExits1() throws {
        let dir = try temporaryDirectory(for: self)
        let (process, _) = try startLargeWrite(in: dir)
        kill(process.process.processIdentifier, SIGINT)
        let result = process.wait()
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("not finished (interrupted)"), result.stdout)
    }

    /// The run is held between two iterations (a debug-build pause at its first one):
    /// the first SIGTERM is honoured with its message, the second stops it at once, and
    /// the staging folder stays hidden, nothing in place.
    func testASecondSignalStopsAtOnceWhileTraining() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 1_000_000)
        let marks = try RunMarks(in: dir)
        try marks.pause(at: "training~default")
        let process = try startDnnRun([spec.path], in: dir, environment: marks.environment)
        defer { kill(process.process.processIdentifier, SIGKILL) }
        XCTAssertTrue(marks.wait(for: "training~default", while: process), "never trained")
        kill(process.process.processIdentifier, SIGTERM)
        XCTAssertTrue(process.waitForOutput("terminated (SIGTERM): stopping after this iteration"), process.printedSoFar.stderr)
        kill(process.process.processIdentifier, SIGTERM)
        let result = process.wait(atMost: 30)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("SIGTERM again: stopping now"), result.stderr)
        let experiment = dir.appendingPathComponent("results/toy")
        XCTAssertFalse(FileManager.default.fileExists(atPath: experiment.appendingPathComponent("default").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: experiment.path).filter { $0.hasPrefix(".tmp-default~") }.count, 1,
                       "the staging folder stays hidden")
    }

    func testASecondSignalStopsAtOnceWhileFilesAreWritten() throws {
        let dir = try temporaryDirectory(for: self)
        let (process, experiment) = try startLargeWrite(in: dir)
        kill(process.process.processIdentifier, SIGTERM)
        // The second once the first is honoured (two at once may be merged into one).
        XCTAssertTrue(process.waitForOutput("stopping after this iteration"), process.printedSoFar.stderr)
        kill(process.process.processIdentifier, SIGTERM)
        let result = process.wait()
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("SIGTERM again: stopping now"), result.stderr)
        XCTAssertEqual(result.stderr.components(separatedBy: "stopping after this iteration").count, 2,
                       "the first message once: \(result.stderr)")
        // Nothing that looks complete but is not: the point whose files were being written
        // is not in place, and every visible folder is a completed run.
        let visible = try FileManager.default.contentsOfDirectory(atPath: experiment.path)
            .filter { !$0.hasPrefix(".") && isFolder(experiment.appendingPathComponent($0)) }
        XCTAssertFalse(visible.contains("training.seed=1"), "the interrupted point is in place: \(visible)")
        for folder in visible {
            let manifest = try String(contentsOf: experiment.appendingPathComponent("\(folder)/manifest.json"), encoding: .utf8)
            XCTAssertTrue(manifest.contains("\"status\": \"completed\""), manifest)
        }
    }
}

/// Whether `url` is a folder (a symbolic link to one counts).
private func isFolder(_ url: URL) -> Bool {
    var folder: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &folder) && folder.boolValue
}
