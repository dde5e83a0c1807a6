import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Disk trouble, resource limits and the example specs.
final class ReliabilityTests: XCTestCase {
    func testAResultsDirectoryThatCannotBeCreatedIsAClearError() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let file = dir.appendingPathComponent("a-file")
        try "x".write(to: file, atomically: true, encoding: .utf8)
        let result = try runDnnRun([spec.path, "--quiet", "--results", file.appendingPathComponent("results").path], in: dir)
        XCTAssertEqual(result.status, 1, result.stderr + result.stdout)
        XCTAssertTrue((result.stdout + result.stderr).contains(file.path), result.stdout + result.stderr)
        XCTAssertTrue((result.stdout + result.stderr).contains("--results"), "says how to fix it")
    }

    /// A full disk while re-training (--force) a completed run: the run fails with the
    /// system's reason, and the completed run stays whole. Needs root to mount a tmpfs.
    func testAFullDiskNeverReplacesAGoodRun() throws {
        let dir = try temporaryDirectory(for: self)
        let mountPoint = dir.appendingPathComponent("small-disk")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.path]
        mount.standardError = FileHandle.nullDevice
        guard (try? mount.run()) != nil, (mount.waitUntilExit(), mount.terminationStatus).1 == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (not root?)")
        }
        addTeardownBlock {
            let umount = Process()
            umount.executableURL = URL(fileURLWithPath: "/bin/umount")
            umount.arguments = [mountPoint.path]
            try? umount.run()
            umount.waitUntilExit()
        }
        let spec = try writeToySpec(in: dir)
        let results = mountPoint.appendingPathComponent("results")
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--results", results.path], in: dir).status, 0)
        let experiment = results.appendingPathComponent("toy")
        let run = experiment.appendingPathComponent("default")
        let before = try filesUnder(run).map { try Data(contentsOf: run.appendingPathComponent($0)) }

        // Fill the disk, leaving a few hundred bytes.
        let filler = mountPoint.appendingPathComponent("filler")
        FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        let chunk = Data(repeating: 0, count: 1024)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()

        let full = try runDnnRun([spec.path, "--quiet", "--force", "--results", results.path], in: dir)
        XCTAssertEqual(full.status, 1, full.stdout + full.stderr)
        XCTAssertTrue((full.stdout + full.stderr).contains("No space left on device"), full.stdout + full.stderr)
        let after = try filesUnder(run).map { try Data(contentsOf: run.appendingPathComponent($0)) }
        XCTAssertEqual(after, before, "the completed run is untouched")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: experiment.path).filter { $0.hasPrefix(".tmp-") || $0.hasPrefix(".old-") }
        XCTAssertEqual(leftovers, [], "no staging folder left behind")
        try FileManager.default.removeItem(at: filler)
        XCTAssertEqual(try runDnnRun(["verify", run.path, "--quiet"], in: dir).status, 0)
    }

    func testAModelTooLargeForThisMachineIsRefusedBeforeAllocating() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let result = try runDnnRun([spec.path, "--quiet", "--set", "model.layer_dims=[6, 1000000, 1000000, 1]"], in: dir)
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("would need about 32.0 TB of memory"), result.stderr)
        XCTAssertTrue(result.stderr.contains("this machine has"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path))
    }

    func testEveryExampleSpecIsValid() throws {
        let root = packageRoot()
        let specs = ["experiments/cat_2layer.yaml", "experiments/cat_5layer.yaml"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("experiments/sweeps").path)) ?? [])
                .filter { $0.hasSuffix(".yaml") }.map { "experiments/sweeps/\($0)" }
        XCTAssertGreaterThanOrEqual(specs.count, 4)
        let result = try runDnnRun(["validate"] + specs, in: root)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.split(separator: "\n").count, specs.count, result.stdout)
    }
}

/// The progress display, as a user sees it.
final class ProgressTests: XCTestCase {
    /// On a terminal (a pseudo-terminal from util-linux's `script`), a bar redrawn in place
    /// with the iteration, the cost, the rate and the ETA, cleared before the summary line.
    func testATerminalGetsABarRedrawnInPlace() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            return XCTFail("/usr/bin/script is missing: install Debian's bsdutils (make deps does)")
        }
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.001", iterations: 400_000)
        // A terminal that can redraw (TERM set): the bar is drawn only then.
        let result = try runProgram(
            "/usr/bin/script", ["-qc", "TERM=xterm \(dnnRunExecutable().path) \(spec.path)", "/dev/null"], in: dir)
        let text = result.stdout
        XCTAssertEqual(result.status, 0, text)
        let redraws = text.components(separatedBy: "\r\u{1B}[K")
        XCTAssertGreaterThan(redraws.count, 2, "the bar is redrawn in place:\n\(text)")
        let bar = redraws.last { $0.contains("iteration ") } ?? ""
        for part in ["[#", "-]", "/400000", "cost 0.", " it/s", "ETA "] {
            XCTAssertTrue(bar.contains(part), "'\(part)' in the bar '\(bar)'")
        }
        XCTAssertTrue(redraws.last?.hasPrefix("toy: final cost") ?? false, "the summary follows a cleared line:\n\(redraws.last ?? "")")
    }

    /// Not a terminal: plain lines, no escape codes; --quiet: nothing on stderr.
    func testPipesGetPlainLinesAndQuietGetsNothing() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, learningRate: "0.001", iterations: 20_000)
        let plain = try runDnnRun([spec.path], in: dir)
        XCTAssertEqual(plain.status, 0)
        XCTAssertFalse(plain.stderr.contains("\u{1B}"), plain.stderr)
        XCTAssertTrue(plain.stderr.contains("iteration 1/20000"), "the first line comes at once: \(plain.stderr)")
        let quiet = try runDnnRun([spec.path, "--quiet", "--force"], in: dir)
        XCTAssertEqual(quiet.status, 0)
        XCTAssertEqual(quiet.stderr, "")
    }
}
