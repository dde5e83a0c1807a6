import Foundation
import TestSupport
import XCTest

/// Runs that travel: identity by content, trees merged from checkouts at other paths,
/// verify wherever the data is, and trees written by dnn-run 0.1.0.
final class TravelTests: XCTestCase {
    /// A checkout: the spec and its data in a folder of its own.
    private func checkout(_ root: URL, _ name: String) throws -> (dir: URL, spec: URL) {
        let dir = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let spec = try writeToySpec(in: dir, extra: "sweep:\n  training.learning_rate: [0.1, 0.3]\n  training.seed: [1, 2]\n")
        return (dir, spec)
    }

    private func copyTree(_ from: URL, into to: URL) throws {
        try FileManager.default.createDirectory(at: to, withIntermediateDirectories: true)
        XCTAssertEqual(try runProgram("/bin/cp", ["-r", from.path + "/.", to.path], in: to).status, 0)
    }

    func testShardsFromTwoCheckoutsMergeByCopyingAndAreUpToDateInAThird() throws {
        let root = try temporaryDirectory(for: self)
        let a = try checkout(root, "alice/dnn-run"), b = try checkout(root, "bob/work/dnn-run")
        XCTAssertEqual(try runDnnRun([a.spec.path, "--quiet", "--shard", "1/2"], in: a.dir).status, 0)
        XCTAssertEqual(try runDnnRun([b.spec.path, "--quiet", "--shard", "2/2"], in: b.dir).status, 0)
        let c = try checkout(root, "carol/x/y/dnn-run")
        try copyTree(a.dir.appendingPathComponent("results"), into: c.dir.appendingPathComponent("results"))
        try copyTree(b.dir.appendingPathComponent("results"), into: c.dir.appendingPathComponent("results"))

        let rerun = try runDnnRun([c.spec.path, "--quiet"], in: c.dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("4 runs: 4 up to date"), rerun.stdout)
        let experiment = c.dir.appendingPathComponent("results/toy")
        let folders = try FileManager.default.contentsOfDirectory(atPath: experiment.path).filter { $0.hasPrefix("training.") }
        XCTAssertEqual(folders.count, 4)
        for folder in folders {
            let result = try runDnnRun(["verify", experiment.appendingPathComponent(folder).path, "--quiet"], in: c.dir)
            XCTAssertEqual(result.status, 0, folder + result.stdout + result.stderr)
            XCTAssertTrue(result.stdout.contains("train data: ../../train.csv") || result.stdout.contains("train data: train.csv"), result.stdout)
        }
        // The summary covers the merged runs.
        let summary = try String(contentsOf: experiment.appendingPathComponent("summary.csv"), encoding: .utf8)
        XCTAssertEqual(summary.split(separator: "\n").count, 5, summary)
    }

    func testVerifyFindsTheDataByNameInAnotherFolderAndTheHashDecides() throws {
        let root = try temporaryDirectory(for: self)
        let a = try checkout(root, "a")
        XCTAssertEqual(try runDnnRun([a.spec.path, "--quiet", "--set", "training.seed=1"], in: a.dir).status, 0)
        // The run folder alone, sent to a colleague.
        let sent = root.appendingPathComponent("inbox/run")
        try copyTree(a.dir.appendingPathComponent("results/toy/training.learning_rate=0.1,training.seed=1"), into: sent)
        // On the colleague's machine the data is in a folder of their own, not where it was.
        let theirs = root.appendingPathComponent("their-data")
        try copyTree(a.dir, into: theirs)
        try FileManager.default.removeItem(at: a.dir)
        let missing = try runDnnRun(["verify", sent.path, "--quiet"], in: root)
        XCTAssertEqual(missing.status, 2, missing.stdout + missing.stderr)
        XCTAssertTrue(missing.stderr.contains("the train data of this run (train.csv, sha256 "), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("(no such file)"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("hint: pass --data with the folder that holds train.csv"), missing.stderr)

        // A folder with other files of that name: refused by their hash.
        let other = root.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        try writeToyData(in: other, seed: 7)
        try writeToyData(in: other, name: "test.csv", examples: 20, seed: 8)
        let wrong = try runDnnRun(["verify", sent.path, "--quiet", "--data", other.path], in: root)
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("other/train.csv (another file: sha256 "), wrong.stderr)

        let found = try runDnnRun(["verify", sent.path, "--quiet", "--data", other.path, "--data", theirs.path], in: root)
        XCTAssertEqual(found.status, 0, found.stdout + found.stderr)
        XCTAssertTrue(found.stdout.contains("verified"), found.stdout)
    }

    /// A run folder as dnn-run 0.1.0 wrote it: absolute paths in spec.yaml, spec_sha256 its
    /// SHA-256, no results_format, files or provenance in the manifest.
    private func makeItLookLike010(_ run: URL, dataDirectory: URL) throws {
        let specURL = run.appendingPathComponent("spec.yaml")
        var spec = try String(contentsOf: specURL, encoding: .utf8)
        for file in ["train.csv", "test.csv"] {
            spec = spec.replacingOccurrences(
                of: "path: " + (spec.contains("../../\(file)") ? "../../\(file)" : "../\(file)"),
                with: "path: " + dataDirectory.appendingPathComponent(file).path)
        }
        try spec.write(to: specURL, atomically: true, encoding: .utf8)
        let manifestURL = run.appendingPathComponent("manifest.json")
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        for key in ["results_format", "files", "provenance"] { manifest[key] = nil }
        manifest["spec_sha256"] = try sha256OfFile(specURL)
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
    }

    private func sha256OfFile(_ url: URL) throws -> String { try sha256sum(url.path) }

    func testTreesWrittenBy010AreUpToDateVerifiableAndNeverADifferentSpec() throws {
        let root = try temporaryDirectory(for: self)
        let a = try checkout(root, "a")
        XCTAssertEqual(try runDnnRun([a.spec.path, "--quiet"], in: a.dir).status, 0)
        let experiment = a.dir.appendingPathComponent("results/toy")
        let folders = try FileManager.default.contentsOfDirectory(atPath: experiment.path).filter { $0.hasPrefix("training.") }
        for folder in folders { try makeItLookLike010(experiment.appendingPathComponent(folder), dataDirectory: a.dir) }

        let rerun = try runDnnRun([a.spec.path, "--quiet"], in: a.dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("4 runs: 4 up to date"), rerun.stdout)
        let verified = try runDnnRun(["verify", experiment.appendingPathComponent(folders[0]).path, "--quiet"], in: a.dir)
        XCTAssertEqual(verified.status, 0, verified.stdout + verified.stderr)

        // The same tree in another checkout, where the 0.1.0 absolute paths do not exist:
        // still up to date by content.
        let b = try checkout(root, "b/elsewhere")
        try copyTree(a.dir.appendingPathComponent("results"), into: b.dir.appendingPathComponent("results"))
        try FileManager.default.removeItem(at: a.dir.appendingPathComponent("train.csv"))
        let moved = try runDnnRun([b.spec.path, "--quiet"], in: b.dir)
        XCTAssertEqual(moved.status, 0, moved.stderr)
        XCTAssertTrue(moved.stdout.contains("4 runs: 4 up to date"), moved.stdout)

        // A real change of spec is still one: the same folder names, another identity.
        let text = try String(contentsOf: b.spec, encoding: .utf8)
        try text.replacingOccurrences(of: "iterations: 200\n", with: "iterations: 100\n").write(to: b.spec, atomically: true, encoding: .utf8)
        let changed = try runDnnRun([b.spec.path, "--quiet"], in: b.dir)
        XCTAssertEqual(changed.status, 2, changed.stdout + changed.stderr)
        XCTAssertTrue(changed.stderr.contains("holds a completed run of a different spec"), changed.stderr)
    }
}
