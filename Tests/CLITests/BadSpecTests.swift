import Foundation
import TestSupport
import XCTest

/// One case per rule of the spec: each bad spec exits with status 2, names the spec file
/// with the line and column of the problem, says what was expected, and writes nothing.
final class BadSpecTests: XCTestCase {
    /// A valid spec, line by line, so that each case can say where its problem is.
    static let lines = [
        "name: toy",                 // 1
        "data:",                     // 2
        "  train: train.csv",        // 3
        "  test: test.csv",          // 4
        "model:",                    // 5
        "  layer_dims: [6, 4, 1]",   // 6
        "training:",                 // 7
        "  learning_rate: 0.5",      // 8
        "  iterations: 50",          // 9
    ]

    struct Case {
        var name: String
        /// Line number (1-based) -> replacement text; a line of "" is removed.
        var edits: [Int: String] = [:]
        var append: String = ""
        var raw: String?
        /// "LINE:COL", or "LINE:" when only the line is certain.
        var location: String
        /// Words the message must contain (case-insensitive).
        var says: [String]
    }

    static let cases: [Case] = [
        Case(name: "tab indentation", edits: [3: "\ttrain: train.csv"], location: "3:", says: ["tab"]),
        Case(name: "unclosed bracket", edits: [6: "  layer_dims: [6, 4, 1"], location: "7:", says: ["started at line 6, column 15"]),
        Case(name: "duplicate key", edits: [9: "  learning_rate: 0.1"], location: "9:3", says: ["duplicate", "learning_rate"]),
        Case(name: "wrong type", edits: [8: "  learning_rate: abc"], location: "8:18", says: ["learning_rate", "number"]),
        Case(name: "negative iterations", edits: [9: "  iterations: -5"], location: "9:15", says: ["iterations"]),
        Case(name: "zero learning rate", edits: [8: "  learning_rate: 0"], location: "8:18", says: ["learning_rate"]),
        Case(name: "NaN learning rate", edits: [8: "  learning_rate: .nan"], location: "8:18", says: ["learning_rate"]),
        Case(name: "empty layer_dims", edits: [6: "  layer_dims: []"], location: "6:15", says: ["layer_dims"]),
        Case(name: "zero layer size", edits: [6: "  layer_dims: [6, 0, 1]"], location: "6:", says: ["layer_dims"]),
        Case(name: "unknown key with a suggestion", edits: [8: "  learning_rat: 0.5"], location: "8:3", says: ["learning_rat", "did you mean 'learning_rate'"]),
        Case(name: "missing required key", edits: [9: ""], location: "8:3", says: ["missing required key 'training.iterations'"]),
        Case(name: "seed out of range", append: "  seed: 4294967296", location: "10:9", says: ["seed"]),
        Case(name: "unknown activation", edits: [6: "  layer_dims: [6, 4, 1]\n  hidden_activation: relux"], location: "7:22", says: ["relu"]),
        Case(name: "output activation other than sigmoid", edits: [6: "  layer_dims: [6, 4, 1]\n  output_activation: tanh"], location: "7:22", says: ["sigmoid"]),
        Case(name: "missing data file", edits: [3: "  train: nope.csv"], location: "3:10", says: ["nope.csv"]),
        Case(name: "data path is a directory", edits: [3: "  train: adir.csv"], location: "3:10", says: ["directory"]),
        Case(name: "non-HDF5 file named .h5", edits: [3: "  train: fake.h5"], location: "3:10", says: ["HDF5"]),
        Case(name: "wrong dataset name", edits: [3: "  train: {path: DATASETS/train_catvnoncat.h5, x: nope_x}"], location: "3:", says: ["nope_x", "train_set_x"]),
        Case(name: "labels outside 0/1", edits: [3: "  train: badlabels.csv"], location: "3:10", says: ["label"]),
        Case(name: "layer_dims[0] is not the feature count", edits: [6: "  layer_dims: [5, 4, 1]"], location: "6:", says: ["6 features"]),
        Case(name: "bad sweep value", append: "sweep:\n  training.learning_rate: [0.1, -1]", location: "11:", says: ["learning_rate"]),
        Case(name: "unknown sweep key", append: "sweep:\n  training.learnin_rate: [0.1]", location: "11:3", says: ["learning_rate"]),
        Case(name: "empty file", raw: "", location: "", says: ["empty"]),
        Case(name: "not a mapping", raw: "- 1\n- 2\n", location: "1:1", says: ["mapping"]),
        Case(name: "name that escapes the results directory", edits: [1: "name: ../../etc"], location: "1:7", says: ["name"]),
    ]

    func testEveryBadSpecExitsWith2NamesTheLocationAndWritesNothing() throws {
        let dir = try temporaryDirectory(for: self)
        try writeToyData(in: dir)
        try writeToyData(in: dir, name: "test.csv", examples: 10)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("adir.csv"), withIntermediateDirectories: true)
        try "this is not HDF5\n".write(to: dir.appendingPathComponent("fake.h5"), atomically: true, encoding: .utf8)
        try "a,b,c,d,e,f,label\n1,2,3,4,5,6,0\n1,2,3,4,5,6,2\n".write(to: dir.appendingPathComponent("badlabels.csv"), atomically: true, encoding: .utf8)
        let datasets = packageRoot().appendingPathComponent("datasets").path

        for c in Self.cases {
            var text: String
            if let raw = c.raw {
                text = raw
            } else {
                var lines = Self.lines
                for (n, replacement) in c.edits { lines[n - 1] = replacement }
                text = lines.filter { !$0.isEmpty }.joined(separator: "\n") + "\n" + (c.append.isEmpty ? "" : c.append + "\n")
            }
            text = text.replacingOccurrences(of: "DATASETS", with: datasets)
            let spec = dir.appendingPathComponent("toy.yaml")
            try text.write(to: spec, atomically: true, encoding: .utf8)
            let results = dir.appendingPathComponent("results-\(UUID().uuidString)")
            let result = try runDnnRun([spec.path, "--results", results.path, "--quiet"], in: dir)
            XCTAssertEqual(result.status, 2, "\(c.name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("toy.yaml:\(c.location)"), "\(c.name): expected toy.yaml:\(c.location) in\n\(result.stderr)")
            for word in c.says {
                XCTAssertTrue(result.stderr.lowercased().contains(word.lowercased()), "\(c.name): expected '\(word)' in\n\(result.stderr)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: results.path), "\(c.name): wrote \(filesUnder(results))")
            XCTAssertEqual(result.stdout, "", "\(c.name): nothing on stdout")
        }
    }

    func testSeveralErrorsAreReportedTogether() throws {
        let dir = try temporaryDirectory(for: self)
        try writeToyData(in: dir)
        var lines = Self.lines
        lines[7] = "  learning_rate: -1"
        lines[8] = "  iterations: zero"
        lines[3] = "  tset: test.csv"
        let spec = dir.appendingPathComponent("toy.yaml")
        try (lines.joined(separator: "\n") + "\n").write(to: spec, atomically: true, encoding: .utf8)
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 2)
        for location in ["toy.yaml:4:3", "toy.yaml:8:18", "toy.yaml:9:15"] {
            XCTAssertTrue(result.stderr.contains(location), "\(location) in\n\(result.stderr)")
        }
    }

    func testBadFlagsExitWith2() throws {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let cases: [([String], String)] = [
            (["--set", "training.learning_rat=0.1"], "learning_rate"),
            (["--set", "training.learning_rate"], "KEY=VALUE"),
            (["--set", "training.iterations=lots"], "iterations"),
            (["--shard", "3/2"], "--shard"),
            (["--shard", "x"], "--shard"),
            (["--jobs", "0"], "--jobs"),
            (["--blas-threads", "0"], "--blas-threads"),
            (["--no-such-flag"], "no-such-flag"),
            // An empty path silently meant the working directory (issue 22, item 16).
            (["--results", ""], "--results '': error: expected a folder, got an empty path"),
        ]
        for (flags, says) in cases {
            let result = try runDnnRun([spec.path, "--quiet"] + flags, in: dir)
            XCTAssertEqual(result.status, 2, "\(flags): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(says), "\(flags): expected '\(says)' in\n\(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("results").path), "\(flags)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("toy").path), "\(flags)")
        }
        // verify --data '' likewise.
        XCTAssertEqual(try runDnnRun([spec.path, "--quiet"], in: dir).status, 0)
        let data = try runDnnRun(["verify", "results/toy/default", "--data", ""], in: dir)
        XCTAssertEqual(data.status, 2, data.stdout)
        XCTAssertTrue(data.stderr.hasPrefix("--data '': error: expected a folder, got an empty path"), data.stderr)
        let missing = try runDnnRun([dir.appendingPathComponent("nope.yaml").path], in: dir)
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("nope.yaml"), missing.stderr)
        let directory = try runDnnRun([dir.path], in: dir)
        XCTAssertEqual(directory.status, 2)
        XCTAssertTrue(directory.stderr.contains("directory"), directory.stderr)
    }
}
