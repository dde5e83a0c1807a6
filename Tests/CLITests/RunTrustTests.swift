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

    func testTwoSpecsOfOneNameNeverOverwriteEachOthersCompletedRuns() throws {
        let dir = try temporaryDirectory(for: self)
        let sweep = "sweep:\n  training.seed: [1, 2, 3, 4, 5, 6]\n"
        let lecun = try writeToySpec(in: dir, file: "lecun.yaml", learningRate: "0.05", iterations: 3000, extra: sweep)
        let he = dir.appendingPathComponent("he.yaml")
        try String(contentsOf: lecun, encoding: .utf8).replacingOccurrences(of: "init: he", with: "init: glorot")
            .write(to: he, atomically: true, encoding: .utf8)
        let first = try startDnnRun([lecun.path, "--quiet"], in: dir)
        usleep(50_000)
        let second = try startDnnRun([he.path, "--quiet"], in: dir)
        let (a, b) = (first.wait(), second.wait())
        // Each completed folder was trained by exactly one process, and holds that process's spec.
        func trained(_ result: ProcessResult) -> Set<String> {
            Set(result.stdout.split(separator: "\n").filter { $0.contains(": final cost ") }.map { String($0.prefix { $0 != ":" }) })
        }
        let byA = trained(a), byB = trained(b)
        XCTAssertTrue(byA.isDisjoint(with: byB), "both claim \(byA.intersection(byB))\n\(a.stdout)\n\(b.stdout)")
        for (runs, initializer) in [(byA, "he"), (byB, "glorot")] {
            for label in runs {
                let folder = dir.appendingPathComponent("results").appendingPathComponent(label)
                let spec = try String(contentsOf: folder.appendingPathComponent("spec.yaml"), encoding: .utf8)
                XCTAssertTrue(spec.contains("init: \(initializer)"), "\(label) was overwritten:\n\(spec)")
            }
        }
        // A process that met the other's runs says so and exits 1; none claims more than 6.
        for result in [a, b] where trained(result).count < 6 {
            // Refused at planning (exit 2), or a point met under its lock (exit 1, named).
            XCTAssertEqual(result.status, result.stderr.contains("different spec") ? 2 : 1, result.stdout + result.stderr)
            if result.status == 1 { XCTAssertTrue(result.stdout.contains("now holds a completed run of a different spec"), result.stdout) }
        }
    }

    func testWaitingForAnotherProcessEndsAtCtrlC() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.0001", iterations: 10_000_000)
        let holder = try startDnnRun([spec.path, "--quiet"], in: dir)
        defer { kill(holder.process.processIdentifier, SIGKILL); _ = holder.wait() }
        let lock = dir.appendingPathComponent("results/toy/.lock-default")   // held while it trains
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: lock.path) && Date() < deadline { usleep(20_000) }
        usleep(300_000)
        let waiter = try startDnnRun([spec.path], in: dir)
        usleep(1_500_000)
        let started = Date()
        kill(waiter.process.processIdentifier, SIGINT)
        let result = waiter.wait()
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "stopped waiting at once")
        XCTAssertEqual(result.status, 1, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("toy: interrupted"), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results/toy/default").path), "nothing changed")
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
