import Foundation
import TestSupport
import XCTest

/// A manifest is checked before it is believed: its `files` names only the run's own
/// files (no path leads out of the run folder), it lists every file of a completed run,
/// and a manifest with one bad field says which field and what was expected.
final class ManifestTrustTests: XCTestCase {
    /// A completed toy run, and its folder.
    private func trainedToy() throws -> (dir: URL, spec: URL, run: URL) {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        return (dir, spec, try onlyRunFolder(under: dir.appendingPathComponent("results")))
    }

    private func files(_ run: URL) throws -> [[String: Any]] {
        try readManifestJSON(run)["files"] as! [[String: Any]]
    }

    private func setFiles(_ files: [[String: Any]], in run: URL) throws {
        var manifest = try readManifestJSON(run)
        manifest["files"] = files
        try writeManifestJSON(manifest, to: run)
    }

    func testNamesOutsideTheRunFolderAreNeverFollowed() throws {
        let (dir, _, run) = try trainedToy()
        let up = String(repeating: "../", count: run.pathComponents.count)
        let passwd = up + "etc/passwd"
        let own = try files(run)
        let size = try FileManager.default.attributesOfItem(atPath: "/etc/passwd")[.size] as! Int
        // With its right size and hash, /etc/passwd passed for a file of the run.
        try setFiles(own + [["name": passwd, "bytes": size, "sha256": try sha256sum("/etc/passwd")]], in: run)
        let verified = try runDnnRun(["verify", run.path], in: dir)
        XCTAssertEqual(verified.status, 1, verified.stdout + verified.stderr)
        XCTAssertTrue(verified.stdout.contains("DAMAGED: manifest.json lists '\(passwd)', which is not a file of a run folder"),
                      verified.stdout)
        XCTAssertTrue(verified.stdout.contains("NOT verified"), verified.stdout)

        // A wrong size told the size of a file the user cannot read; '.', '..', a NUL,
        // a slash: never looked at.
        for name in [up + "etc/shadow", ".", "..", "costs.csv\u{0}x", "./costs.csv", "/etc/hostname", "notes.txt"] {
            try setFiles(own + [["name": name, "bytes": 5, "sha256": String(repeating: "0", count: 64)]], in: run)
            let result = try runDnnRun(["verify", run.path], in: dir)
            XCTAssertEqual(result.status, 1, "\(name): " + result.stdout + result.stderr)
            XCTAssertFalse(result.stdout.contains("bytes"), "\(name): no size told:\n\(result.stdout)")
            XCTAssertTrue(result.stdout.contains("which is not a file of a run folder"), "\(name): \(result.stdout)")
            XCTAssertFalse(result.stdout.contains("\u{0}"), "the NUL is escaped")
        }
    }

    func testAFileLeftOutOfTheListIsDamagedNotUpToDate() throws {
        let (dir, spec, run) = try trainedToy()
        try setFiles(try files(run).filter { $0["name"] as? String != "parameters.json" }, in: run)
        let parameters = run.appendingPathComponent("parameters.json")
        let whole = try Data(contentsOf: parameters)
        try whole.prefix(whole.count / 2).write(to: parameters)

        let verified = try runDnnRun(["verify", run.path], in: dir)
        XCTAssertEqual(verified.status, 1, verified.stdout + verified.stderr)
        XCTAssertTrue(verified.stdout.contains("DAMAGED: manifest.json does not list parameters.json"), verified.stdout)

        let rerun = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("training again (damaged: manifest.json does not list parameters.json)"), rerun.stdout)
        XCTAssertEqual(try Data(contentsOf: parameters), whole, "retrained to the same bytes")

        // No list at all, in a manifest of a format that always has one.
        var manifest = try readManifestJSON(run)
        manifest.removeValue(forKey: "files")
        try writeManifestJSON(manifest, to: run)
        let unlisted = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertTrue(unlisted.stdout.contains("damaged: manifest.json does not list spec.yaml, costs.csv, parameters.json, metrics.json"),
                      unlisted.stdout)
    }

    func testAManifestWithOneBadFieldNamesTheField() throws {
        let (dir, _, run) = try trainedToy()
        let good = try readManifestJSON(run)
        let cases: [(String, Any?, String)] = [
            ("status", "done", "manifest.json': the field status is not one of completed, failed, interrupted"),
            ("iterations_completed", "many", "manifest.json': the field iterations_completed is not an integer"),
            ("engine", nil, "manifest.json': the field engine is missing"),
        ]
        for (field, value, expected) in cases {
            var manifest = good
            manifest[field] = value
            try writeManifestJSON(manifest, to: run)
            // A rerun of its spec says the same, and replaces nothing without --force.
            for command in [["verify", run.path], ["predict", run.path, dir.appendingPathComponent("test.csv").path],
                            ["compare", run.path], [dir.appendingPathComponent("toy.yaml").path]] {
                let result = try runDnnRun(command, in: dir)
                XCTAssertEqual(result.status, 2, "\(command[0]) \(field): " + result.stdout + result.stderr)
                XCTAssertTrue(result.stderr.contains(expected), "\(command[0]) \(field): \(result.stderr)")
                XCTAssertFalse(result.stderr.contains("no readable manifest"), result.stderr)
            }
        }
        try "{not json".write(to: run.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        let garbage = try runDnnRun(["verify", run.path], in: dir)
        XCTAssertEqual(garbage.status, 2)
        XCTAssertTrue(garbage.stderr.contains("manifest.json' is not valid JSON"), garbage.stderr)
    }

    /// verify's two lines for an edited run folder: spec.yaml's new identity ("the spec was
    /// edited after the run") and each file whose bytes are not those written (DAMAGED).
    func testVerifySaysTheSpecWasEditedAndNamesADamagedFile() throws {
        let (dir, _, run) = try trainedToy()
        let specURL = run.appendingPathComponent("spec.yaml")
        let spec = try String(contentsOf: specURL, encoding: .utf8)
        XCTAssertTrue(spec.contains("learning_rate: 0.5\n"), spec)
        try spec.replacingOccurrences(of: "learning_rate: 0.5\n", with: "learning_rate: 0.25\n")
            .write(to: specURL, atomically: true, encoding: .utf8)
        let edited = try runDnnRun(["verify", run.path, "--quiet"], in: dir)
        XCTAssertEqual(edited.status, 1, edited.stdout + edited.stderr)
        XCTAssertTrue(edited.stdout.contains("differs from the manifest's"), edited.stdout)
        XCTAssertTrue(edited.stdout.contains("…: the spec was edited after the run\n"), edited.stdout)
        XCTAssertTrue(edited.stdout.contains("DAMAGED: spec.yaml"), edited.stdout)
        XCTAssertTrue(edited.stdout.contains("NOT verified"), edited.stdout)

        try spec.write(to: specURL, atomically: true, encoding: .utf8)
        XCTAssertEqual(try runDnnRun(["verify", run.path, "--quiet"], in: dir).status, 0, "restored")
        let metrics = run.appendingPathComponent("metrics.json")
        let bytes = try Data(contentsOf: metrics)
        try bytes.prefix(bytes.count - 3).write(to: metrics)
        let cut = try runDnnRun(["verify", run.path, "--quiet"], in: dir)
        XCTAssertEqual(cut.status, 1, cut.stdout + cut.stderr)
        XCTAssertTrue(cut.stdout.contains("DAMAGED: metrics.json has \(bytes.count - 3) bytes, \(bytes.count) were written"), cut.stdout)
        XCTAssertFalse(cut.stdout.contains("the spec was edited"), cut.stdout)
    }
}
