import Foundation
import TestSupport
import XCTest

import Glibc

/// Results are checked before they are trusted: damaged files are retrained, a run of a
/// different spec is never overwritten, a wait for another process can be interrupted,
/// and leftovers of crashed processes are cleaned up.
final class RunTrustTests: XCTestCase {
    private func manifest(_ folder: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as! [String: Any]
    }

    func testADamagedOrMissingFileIsRetrainedNotUpToDate() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let run = dir.appendingPathComponent("results/toy/default")
        let files = try manifest(run)["files"] as! [[String: Any]]
        XCTAssertEqual(files.map { $0["name"] as! String }, ["spec.yaml", "costs.csv", "parameters.json", "metrics.json"])
        let parameters = run.appendingPathComponent("parameters.json")
        let whole = try Data(contentsOf: parameters)
        XCTAssertEqual(files[2]["bytes"] as? Int, whole.count)

        // Truncated, as by an interrupted copy.
        try whole.prefix(whole.count / 2).write(to: parameters)
        let truncated = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(truncated.status, 0, truncated.stderr)
        XCTAssertTrue(truncated.stdout.contains("toy: training again (damaged: parameters.json has \(whole.count / 2) bytes, \(whole.count) were written)"), truncated.stdout)
        XCTAssertEqual(try Data(contentsOf: parameters), whole, "retrained to the same bytes")

        // Missing.
        try FileManager.default.removeItem(at: run.appendingPathComponent("costs.csv"))
        let missing = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertTrue(missing.stdout.contains("(damaged: costs.csv is missing)"), missing.stdout)

        // Changed in place, same size.
        var bytes = [UInt8](try Data(contentsOf: run.appendingPathComponent("metrics.json")))
        bytes[bytes.count - 3] = bytes[bytes.count - 3] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try Data(bytes).write(to: run.appendingPathComponent("metrics.json"))
        let changed = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertTrue(changed.stdout.contains("(damaged: metrics.json has changed"), changed.stdout)
        XCTAssertTrue(try runDnnRun([spec.path, "--quiet"], in: dir).stdout.contains("up to date"))
    }

    /// Two specs of one name, deterministically: the test holds the lock of one point
    /// while the other spec's process plans, trains its free point and waits; a completed
    /// run of the first spec is put in place meanwhile, then the lock is released. The
    /// waiting process finds it under the lock: that point fails, exit 1, nothing
    /// overwritten. (The run of the free point proves the process planned before.)
    func testTwoSpecsOfOneNameNeverOverwriteEachOthersCompletedRuns() throws {
        let dir = try temporaryDirectory(for: self)
        let he = try writeToySpec(in: dir, file: "he.yaml", extra: "sweep:\n  training.seed: [1, 2]\n")
        let glorot = dir.appendingPathComponent("glorot.yaml")
        try String(contentsOf: he, encoding: .utf8).replacingOccurrences(of: "init: he", with: "init: glorot")
            .write(to: glorot, atomically: true, encoding: .utf8)
        // A completed run of the he spec, made elsewhere.
        XCTAssertEqual(try runDnnRun([he.path, "--quiet", "--results", "elsewhere"], in: dir).status, 0)

        let experiment = dir.appendingPathComponent("results/toy")
        try FileManager.default.createDirectory(at: experiment, withIntermediateDirectories: true)
        let lockPath = experiment.appendingPathComponent(".lock-training.seed=1").path
        let lock = open(lockPath, O_RDWR | O_CREAT, 0o644)
        XCTAssertGreaterThanOrEqual(lock, 0)
        defer { close(lock) }
        XCTAssertEqual(flock(lock, LOCK_EX), 0)

        let waiter = try startDnnRun([glorot.path, "--quiet"], in: dir)
        defer { kill(waiter.process.processIdentifier, SIGKILL) }
        let free = experiment.appendingPathComponent("training.seed=2/manifest.json").path
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: free) && Date() < deadline { usleep(20_000) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: free), "the free point trained")
        try FileManager.default.copyItem(at: dir.appendingPathComponent("elsewhere/toy/training.seed=1"),
                                         to: experiment.appendingPathComponent("training.seed=1"))
        let placed = try Data(contentsOf: experiment.appendingPathComponent("training.seed=1/parameters.json"))
        XCTAssertEqual(flock(lock, LOCK_UN), 0)

        let result = waiter.wait()
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("toy/training.seed=1: waiting for the other dnn-run process training it\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains(
            "toy/training.seed=1: FAILED: 'results/toy/training.seed=1' now holds a completed run of a different spec, made by another process after this one planned"),
            result.stdout)
        XCTAssertTrue(result.stdout.contains("toy/training.seed=2: final cost "), result.stdout)
        XCTAssertEqual(try Data(contentsOf: experiment.appendingPathComponent("training.seed=1/parameters.json")), placed, "not overwritten")
        let spec = try String(contentsOf: experiment.appendingPathComponent("training.seed=1/spec.yaml"), encoding: .utf8)
        XCTAssertTrue(spec.contains("init: he"), spec)
    }

    /// The test holds the run's lock as another process training it would; the waiter
    /// says it waits, and Ctrl-C ends the wait.
    func testWaitingForAnotherProcessEndsAtCtrlC() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 100)
        let held = try HeldRunLock("default", of: dir.appendingPathComponent("results/toy"))
        defer { held.release() }
        let waiter = try startDnnRun([spec.path], in: dir)
        defer { kill(waiter.process.processIdentifier, SIGKILL) }
        XCTAssertTrue(waiter.waitForOutput("toy: waiting for the other dnn-run process training it"), waiter.printedSoFar.stdout)
        let started = Date()
        kill(waiter.process.processIdentifier, SIGINT)
        let result = waiter.wait(atMost: 30)
        assertTiming(Date().timeIntervalSince(started), below: 5, "stopping a wait for another process's lock at Ctrl-C")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("toy: interrupted"), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/toy/default").path), "nothing changed")
    }

    /// Two signals while waiting for another process's lock, as fast as a user can press
    /// Ctrl-C twice: the process stops (the kernel may merge them into one, which stops it
    /// at once too), with the status of an interrupted run, and no run folder is made.
    func testASecondSignalWhileWaitingStopsAtOnce() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 100)
        let held = try HeldRunLock("default", of: dir.appendingPathComponent("results/toy"))
        defer { held.release() }
        let waiter = try startDnnRun([spec.path], in: dir)
        defer { kill(waiter.process.processIdentifier, SIGKILL) }
        XCTAssertTrue(waiter.waitForOutput("toy: waiting for the other dnn-run process training it"), waiter.printedSoFar.stdout)
        kill(waiter.process.processIdentifier, SIGINT)
        kill(waiter.process.processIdentifier, SIGINT)
        let result = waiter.wait(atMost: 30)
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stderr.contains("interrupted (SIGINT)") || result.stderr.contains("SIGINT again: stopping now"), result.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("results/toy").path)
                        .filter { !$0.hasPrefix(".lock-") && !$0.hasPrefix("summary.") }, [], "no run folder, no staging folder")
    }

    func testANonFiniteCostBeforeAnyUpdateIsNotBlamedOnTheLearningRate() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        var text = "f1,f2,f3,f4,f5,f6,label\n"
        for i in 0..<20 { text += Array(repeating: "1e200", count: 6).joined(separator: ",") + ",\(i % 2)\n" }
        try text.write(to: dir.appendingPathComponent("train.csv"), atomically: true, encoding: .utf8)
        // No hidden layer: the output saturates at once and the cost is not finite.
        let result = try runDnnRun([spec.path, "--quiet", "--set", "model.layer_dims=[6, 1]"], in: dir)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stdout.contains("at iteration 0, before any update"), result.stdout)
        XCTAssertFalse(result.stdout.contains("learning rate"), result.stdout)
    }

    func testTheManifestRecordsWhereAndHowTheRunStarted() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        var provenance = try manifest(dir.appendingPathComponent("results/toy/default"))["provenance"] as! [String: Any]
        XCTAssertEqual((provenance["command"] as? [String])?.dropFirst(), [spec.path, "--quiet"])
        XCTAssertEqual(provenance["working_directory"] as? String, dir.path)
        XCTAssertEqual(provenance["spec_file"] as? String, spec.path)
        XCTAssertTrue(provenance["git"] is NSNull, "no repository: \(provenance)")

        // In a git work tree: its commit, and whether it had changes.
        func git(_ arguments: String...) throws {
            try runProgram("/usr/bin/env", ["git", "-C", dir.path, "-c", "user.name=t", "-c", "user.email=t@t"] + arguments, in: dir)
        }
        try git("init", "-q")
        try git("add", "toy.yaml")
        try git("commit", "-qm", "spec")
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--force"], in: dir).status, 0)
        provenance = try manifest(dir.appendingPathComponent("results/toy/default"))["provenance"] as! [String: Any]
        let state = provenance["git"] as? [String: Any]
        XCTAssertEqual((state?["commit"] as? String)?.count, 40, "\(provenance)")
        XCTAssertEqual(state?["dirty"] as? Bool, false)
        try (String(contentsOf: spec, encoding: .utf8) + "# changed\n").write(to: spec, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--force"], in: dir).status, 0)
        provenance = try manifest(dir.appendingPathComponent("results/toy/default"))["provenance"] as! [String: Any]
        XCTAssertEqual((provenance["git"] as? [String: Any])?["dirty"] as? Bool, true)
    }
}
