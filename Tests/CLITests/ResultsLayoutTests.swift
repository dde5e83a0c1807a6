import Foundation
import Support
import TestSupport
import XCTest

/// Results format 3 (issue 22): every run is a point of its experiment folder, the spec as
/// written in `results/<name>/default/`, so replacing one run never touches another; trees
/// of format 2, where the plain run was the experiment folder itself, are read as they are
/// and moved by a rerun, in steps a crash leaves recoverable.
final class ResultsLayoutTests: XCTestCase {
    private let files = FileManager.default

    private func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    func testThePlainRunIsAPointAndForcingItKeepsTheOtherRuns() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let plain = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(plain.status, 0, plain.stderr)
        XCTAssertTrue(plain.stdout.contains("toy: final cost "), plain.stdout)
        XCTAssertTrue(plain.stdout.contains("-> results/toy/default"), plain.stdout)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--set", "training.seed=7"], in: dir).status, 0)
        let experiment = dir.appendingPathComponent("results/toy")
        let seven = experiment.appendingPathComponent("training.seed=7/parameters.json")
        let before = try Data(contentsOf: seven)

        let forced = try runDnnRun([spec.path, "--quiet", "--force"], in: dir)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try Data(contentsOf: seven), before, "the --set run is untouched by replacing the plain one")
        let rows = parseCSV(try String(contentsOf: experiment.appendingPathComponent("summary.csv"), encoding: .utf8))
        XCTAssertEqual(rows.dropFirst().map { $0[0] }, ["default", "training.seed=7"], "the summary lists both runs")
        XCTAssertFalse(files.fileExists(atPath: experiment.appendingPathComponent("manifest.json").path),
                       "the experiment folder is never a run")
    }

    func testAPlainRunThatFailedIsRetrainedWithoutTouchingTheSweepOfItsName() throws {
        let dir = try temporaryDirectory(for: self)
        // A learning rate that diverges at once: the plain run fails and is recorded so.
        let spec = try writeToySpec(in: dir, learningRate: "1e300")
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 1)
        let sweep = try writeToySpec(in: dir, file: "sweep.yaml", extra: "sweep:\n  training.seed: [1, 2]\n")
        XCTAssertEqual(try runDnnRun([sweep.path, "--quiet"], in: dir).status, 0)
        let experiment = dir.appendingPathComponent("results/toy")
        let good = try writeToySpec(in: dir)
        let again = try runDnnRun([good.path, "--quiet"], in: dir)
        XCTAssertEqual(again.status, 0, again.stdout + again.stderr)
        for point in ["default", "training.seed=1", "training.seed=2"] {
            XCTAssertEqual(try json(experiment.appendingPathComponent("\(point)/manifest.json"))["status"] as? String, "completed", point)
        }
    }

    func testForceReplacesOnlyRunFolders() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let experiment = dir.appendingPathComponent("results/toy")
        try files.createDirectory(at: experiment, withIntermediateDirectories: true)
        // A file, then a folder that is not a run, where the plain run goes.
        let place = experiment.appendingPathComponent("default")
        try "my notes\n".write(to: place, atomically: true, encoding: .utf8)
        for force in [[], ["--force"]] {
            let result = try runDnnRun([spec.path, "--quiet"] + force, in: dir)
            XCTAssertEqual(result.status, 2, "\(force): \(result.stdout)")
            XCTAssertTrue(result.stderr.contains("'results/toy/default' exists but is not a dnn-run run folder (no manifest.json)"), result.stderr)
            XCTAssertTrue(result.stderr.contains("dnn-run replaces only run folders, also with --force"), result.stderr)
            XCTAssertEqual(try String(contentsOf: place, encoding: .utf8), "my notes\n")
        }
        try files.removeItem(at: place)
        try files.createDirectory(at: place, withIntermediateDirectories: true)
        try "mine\n".write(to: place.appendingPathComponent("thesis.tex"), atomically: true, encoding: .utf8)
        let result = try runDnnRun([spec.path, "--quiet", "--force"], in: dir)
        XCTAssertEqual(result.status, 2, result.stdout)
        XCTAssertEqual(try String(contentsOf: place.appendingPathComponent("thesis.tex"), encoding: .utf8), "mine\n")
    }

    /// The case: a spec named after its own training file, with `--results .`.
    func testASpecNamedAfterAFileNeverReplacesIt() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir, name: "train.csv")
        let before = try Data(contentsOf: dir.appendingPathComponent("train.csv"))
        for force in [[], ["--force"]] {
            let result = try runDnnRun([spec.path, "--quiet", "--results", "."] + force, in: dir)
            XCTAssertEqual(result.status, 2, "\(force): \(result.stdout)")
            XCTAssertTrue(result.stderr.contains(
                "'train.csv' exists but is not a folder; the experiment 'train.csv' needs a folder there for its runs"), result.stderr)
            XCTAssertTrue(result.stderr.contains("dnn-run never replaces a file, also with --force"), result.stderr)
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("train.csv")), before)
        }
        XCTAssertEqual(try files.contentsOfDirectory(atPath: dir.path).sorted(), ["test.csv", "toy.yaml", "train.csv"], "nothing written")
    }

    // MARK: Trees of results format 2

    /// Turns the plain run of a format 3 tree into the format 2 layout, as dnn-run 0.1 wrote
    /// it: its files in the experiment folder itself, spec.yaml's data paths one `../`
    /// shallower, results_format 2 and the manifest's record of spec.yaml to match.
    private func makeFormat2(_ experiment: URL) throws {
        let point = experiment.appendingPathComponent("default")
        for name in try files.contentsOfDirectory(atPath: point.path) {
            try files.moveItem(at: point.appendingPathComponent(name), to: experiment.appendingPathComponent(name))
        }
        try files.removeItem(at: point)
        let specURL = experiment.appendingPathComponent("spec.yaml")
        let spec = try String(contentsOf: specURL, encoding: .utf8).replacingOccurrences(of: ": ../../", with: ": ../")
        try spec.write(to: specURL, atomically: true, encoding: .utf8)
        let manifestURL = experiment.appendingPathComponent("manifest.json")
        var manifest = try json(manifestURL)
        manifest["results_format"] = 2
        manifest["files"] = try (manifest["files"] as! [[String: Any]]).map { record in
            guard record["name"] as? String == "spec.yaml" else { return record }
            return ["name": "spec.yaml", "bytes": Data(spec.utf8).count, "sha256": try sha256sum(specURL.path)]
        }
        try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys]).write(to: manifestURL)
    }

    /// A format 2 tree: the plain run in results/toy/ and a --set run inside it.
    private func format2Tree(in dir: URL) throws -> (spec: URL, experiment: URL) {
        let spec = try writeToySpec(in: dir)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet", "--set", "training.seed=7"], in: dir).status, 0)
        let experiment = dir.appendingPathComponent("results/toy")
        try makeFormat2(experiment)
        return (spec, experiment)
    }

    func testAFormat2TreeIsReadAsItIs() throws {
        let dir = try temporaryDirectory(for: self)
        let (_, experiment) = try format2Tree(in: dir)
        let verify = try runDnnRun(["verify", experiment.path, "--quiet"], in: dir)
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        let compare = try runDnnRun(["compare", "results/toy", "--format", "csv"], in: dir)
        XCTAssertEqual(compare.status, 0, compare.stderr)
        XCTAssertTrue(compare.stdout.contains("completed"), compare.stdout)
        let plot = try runDnnRun(["plot", "results/toy", "-o", "toy.svg"], in: dir)
        XCTAssertEqual(plot.status, 0, plot.stderr)
        let predict = try runDnnRun(["predict", "results/toy", "test.csv", "--format", "csv"], in: dir)
        XCTAssertEqual(predict.status, 0, predict.stderr)
    }

    func testARerunMovesAFormat2RunIntoItsPointWithoutRetraining() throws {
        let dir = try temporaryDirectory(for: self)
        let (spec, experiment) = try format2Tree(in: dir)
        let parameters = try Data(contentsOf: experiment.appendingPathComponent("parameters.json"))
        let costs = try Data(contentsOf: experiment.appendingPathComponent("costs.csv"))
        let identity = try json(experiment.appendingPathComponent("manifest.json"))["spec_sha256"] as? String
        let seven = try Data(contentsOf: experiment.appendingPathComponent("training.seed=7/parameters.json"))

        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("moved the run of 'results/toy' (results format 2 layout) into 'results/toy/default'"), result.stdout)
        XCTAssertTrue(result.stdout.contains("nothing was retrained and its identity is unchanged"), result.stdout)
        XCTAssertTrue(result.stdout.contains("toy: up to date (results/toy/default)"), result.stdout)

        let point = experiment.appendingPathComponent("default")
        XCTAssertEqual(try Data(contentsOf: point.appendingPathComponent("parameters.json")), parameters)
        XCTAssertEqual(try Data(contentsOf: point.appendingPathComponent("costs.csv")), costs)
        XCTAssertEqual(try Data(contentsOf: experiment.appendingPathComponent("training.seed=7/parameters.json")), seven)
        for name in ["manifest.json", "spec.yaml", "costs.csv", "parameters.json", "metrics.json", ".moving-default"] {
            XCTAssertFalse(files.fileExists(atPath: experiment.appendingPathComponent(name).path), name)
        }
        // spec.yaml's data paths are one level deeper; the manifest records its new bytes.
        let specText = try String(contentsOf: point.appendingPathComponent("spec.yaml"), encoding: .utf8)
        XCTAssertTrue(specText.contains("  train:\n    path: ../../../train.csv\n"), specText)
        let manifest = try json(point.appendingPathComponent("manifest.json"))
        XCTAssertEqual(manifest["spec_sha256"] as? String, identity)
        let record = (manifest["files"] as! [[String: Any]]).first { $0["name"] as? String == "spec.yaml" }
        XCTAssertEqual(record?["sha256"] as? String, try sha256sum(point.appendingPathComponent("spec.yaml").path))
        XCTAssertEqual(try runDnnRun(["verify", point.path, "--quiet"], in: dir).status, 0)
        let again = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertFalse(again.stdout.contains("moved"), again.stdout)
        XCTAssertTrue(again.stdout.contains("toy: up to date"), again.stdout)
    }

    /// A crash at each step of the move: the next run finishes it, and nothing retrains.
    func testAMoveStoppedByACrashIsFinishedByTheNextRun() throws {
        for crashAfter in ["mkdir", "costs.csv", "spec.yaml", "manifest"] {
            let dir = try temporaryDirectory(for: self).appendingPathComponent(crashAfter)
            try files.createDirectory(at: dir, withIntermediateDirectories: true)
            let (spec, experiment) = try format2Tree(in: dir)
            let parameters = try Data(contentsOf: experiment.appendingPathComponent("parameters.json"))
            let moving = experiment.appendingPathComponent(".moving-default")
            try files.createDirectory(at: moving, withIntermediateDirectories: false)
            switch crashAfter {
            case "costs.csv":
                try files.moveItem(at: experiment.appendingPathComponent("costs.csv"), to: moving.appendingPathComponent("costs.csv"))
            case "spec.yaml":
                let text = try String(contentsOf: experiment.appendingPathComponent("spec.yaml"), encoding: .utf8)
                try text.replacingOccurrences(of: ": ../", with: ": ../../")
                    .write(to: moving.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
            case "manifest":
                for name in ["costs.csv", "parameters.json", "metrics.json", "manifest.json"] {
                    try files.copyItem(at: experiment.appendingPathComponent(name), to: moving.appendingPathComponent(name))
                }
                for name in ["costs.csv", "parameters.json", "metrics.json"] { try files.removeItem(at: experiment.appendingPathComponent(name)) }
                let text = try String(contentsOf: experiment.appendingPathComponent("spec.yaml"), encoding: .utf8)
                try files.removeItem(at: experiment.appendingPathComponent("spec.yaml"))
                try text.replacingOccurrences(of: ": ../", with: ": ../../")
                    .write(to: moving.appendingPathComponent("spec.yaml"), atomically: true, encoding: .utf8)
            default: break
            }
            let result = try runDnnRun([spec.path, "--quiet"], in: dir)
            XCTAssertEqual(result.status, 0, "\(crashAfter): \(result.stderr)")
            XCTAssertTrue(result.stdout.contains("moved the run of 'results/toy'"), "\(crashAfter): \(result.stdout)")
            XCTAssertFalse(files.fileExists(atPath: moving.path), crashAfter)
            let point = experiment.appendingPathComponent("default")
            XCTAssertEqual(try Data(contentsOf: point.appendingPathComponent("parameters.json")), parameters, crashAfter)
            if crashAfter != "manifest" {
                // (The test's own copy of the manifest recorded the shallower spec.yaml: retrained.)
                XCTAssertTrue(result.stdout.contains("toy: up to date"), "\(crashAfter): \(result.stdout)")
            }
            XCTAssertEqual(try runDnnRun(["verify", point.path, "--quiet"], in: dir).status, 0, crashAfter)
        }
    }

    func testAFormat2RunOfAnotherSpecIsNotMovedWhenThePlanFails() throws {
        let dir = try temporaryDirectory(for: self)
        let (spec, experiment) = try format2Tree(in: dir)
        let result = try runDnnRun([spec.path, "--quiet", "--set", "model.layer_dims=[5, 1]"], in: dir)
        XCTAssertEqual(result.status, 2, result.stdout)
        XCTAssertTrue(files.fileExists(atPath: experiment.appendingPathComponent("manifest.json").path), "exit 2 writes nothing")
        XCTAssertFalse(files.fileExists(atPath: experiment.appendingPathComponent("default").path))
    }
}
