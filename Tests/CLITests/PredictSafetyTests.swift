import Foundation
import TestSupport
import XCTest

/// `predict` treats its inputs as data: `-o` never overwrites one of them nor writes into
/// a run folder, and names or class names from a file never reach the terminal as escapes.
final class PredictSafetyTests: XCTestCase {
    /// A completed toy run (a CSV model), its folder and the folder holding its data.
    private func trainedToy() throws -> (dir: URL, run: URL) {
        let dir = try temporaryDirectory(for: self)
        let spec = try writeToySpec(in: dir)
        let result = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        return (dir, try onlyRunFolder(under: dir.appendingPathComponent("results")))
    }

    func testOutputNeverOverwritesAnInputOrARunsFile() throws {
        let (dir, run) = try trainedToy()
        let input = dir.appendingPathComponent("test.csv")
        let before = try Data(contentsOf: input)
        try FileManager.default.linkItem(at: input, to: dir.appendingPathComponent("hard.csv"))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("soft.csv"), withDestinationURL: input)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("here"), withDestinationURL: dir)
        let runFiles = try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
        let costs = try Data(contentsOf: run.appendingPathComponent("costs.csv"))

        let cases: [(output: String, says: String)] = [
            ("test.csv", "is the input 'test.csv'"),
            ("./test.csv", "is the input 'test.csv'"),
            (input.path, "is the input 'test.csv'"),
            ("hard.csv", "is the input 'test.csv'"),
            ("soft.csv", "is the input 'test.csv'"),
            ("here/test.csv", "is the input 'test.csv'"),
            (run.appendingPathComponent("costs.csv").path, "is inside the run folder"),
            (run.appendingPathComponent("predictions.csv").path, "is inside the run folder"),
        ]
        for (output, says) in cases {
            let result = try runDnnRun(["predict", run.path, "test.csv", "-o", output], in: dir)
            XCTAssertEqual(result.status, 2, "\(output): " + result.stdout + result.stderr)
            XCTAssertTrue(result.stderr.contains("-o \(output): error: "), "\(output): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(says), "\(output): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", output)
        }
        XCTAssertEqual(try Data(contentsOf: input), before, "the input is intact")
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("costs.csv")), costs)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted(), runFiles, "nothing added")

        // Anywhere else: written.
        let fine = try runDnnRun(["predict", run.path, "test.csv", "-o", "predictions.csv"], in: dir)
        XCTAssertEqual(fine.status, 0, fine.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("predictions.csv").path))
    }

    func testBidiOverridesAndLineSeparatorsInAMessageAreEscaped() throws {
        let (dir, run) = try trainedToy()
        let name = "x\u{202E}vsc.exe\u{200F}\u{2028}\u{1B}[31m.csv"
        let result = try runDnnRun(["predict", run.path, name], in: dir)
        XCTAssertEqual(result.status, 2, result.stderr)
        for raw in ["\u{202E}", "\u{200F}", "\u{2028}", "\u{1B}"] {
            XCTAssertFalse(result.stderr.unicodeScalars.contains(raw.unicodeScalars.first!), "\(raw.debugDescription) escaped: \(result.stderr.debugDescription)")
        }
        XCTAssertTrue(result.stderr.contains("x\\u{202E}vsc.exe\\u{200F}\\u{2028}\\u{1B}[31m.csv"), result.stderr)
    }

    func testNamesAndClassNamesFromFilesReachTheTableEscaped() throws {
        guard let python = testPython() else {
            throw XCTSkip("the image model's data is written by h5py and Pillow: set DNN_RUN_TEST_PYTHON")
        }
        let dir = try temporaryDirectory(for: self)
        let script = """
            import sys, h5py, numpy as np
            from PIL import Image
            rng = np.random.default_rng(1)
            x = rng.integers(0, 256, size=(8, 4, 4, 3), dtype=np.uint8)
            with h5py.File("train.h5", "w") as f:
                f["train_set_x"] = x
                f["train_set_y"] = np.array([0, 1] * 4, dtype=np.int64)
                f["list_classes"] = np.array([b"non\\x1b[31mcat\\xe2\\x80\\xae", b"ca\\nt"], dtype="S16")
            Image.fromarray(x[0]).save("esc\\x1b[31mred\\u202e.png")
            """
        let made = try runProgram(python, ["-c", script], in: dir)
        XCTAssertEqual(made.status, 0, made.stderr)
        let spec = dir.appendingPathComponent("tiny.yaml")
        try """
            name: tiny
            data:
              train: {path: train.h5, x: train_set_x, y: train_set_y}
              scale: 255
            model:
              layer_dims: [48, 3, 1]
            training:
              learning_rate: 0.01
              iterations: 10
            """.write(to: spec, atomically: true, encoding: .utf8)
        let trained = try runDnnRun([spec.path, "--quiet"], in: dir)
        XCTAssertEqual(trained.status, 0, trained.stdout + trained.stderr)
        let run = try onlyRunFolder(under: dir.appendingPathComponent("results"))

        let result = try runDnnRun(["predict", run.path, "esc\u{1B}[31mred\u{202E}.png", "train.h5"], in: dir)
        XCTAssertEqual(result.status, 0, result.stderr)
        for raw: Unicode.Scalar in ["\u{1B}", "\u{202E}"] {
            XCTAssertFalse(result.stdout.unicodeScalars.contains(raw), result.stdout.debugDescription)
        }
        XCTAssertTrue(result.stdout.contains("esc\\u{1B}[31mred\\u{202E}.png"), result.stdout)
        XCTAssertTrue(result.stdout.contains("non\\u{1B}[31mcat\\u{202E}"), result.stdout)
        XCTAssertTrue(result.stdout.contains("ca\\u{A}t"), result.stdout)
        // A header, a rule, 9 rows and 2 summary lines: no line broken by a class name.
        XCTAssertEqual(result.stdout.split(separator: "\n", omittingEmptySubsequences: false).count, 14, result.stdout)
    }

    /// Moved from PredictTests (on the toy run): usage errors write nothing, exit 2; an
    /// -o that cannot be written is an I/O error, exit 1.
    func testUsageErrors() throws {
        let (dir, run) = try trainedToy()
        let before = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        let none = try runDnnRun(["predict", run.path], in: dir)
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("expected at least one input"), none.stderr)
        let text = try runDnnRun(["predict", run.path, "test.csv", "-o", "out.txt"], in: dir)
        XCTAssertEqual(text.status, 2)
        XCTAssertTrue(text.stderr.contains("expected a file name ending in .csv"), text.stderr)
        let format = try runDnnRun(["predict", run.path, "test.csv", "--format", "xml"], in: dir)
        XCTAssertEqual(format.status, 2)
        XCTAssertTrue(format.stderr.contains("--format xml: error: expected table, csv or json"), format.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), before)

        let nowhere = dir.appendingPathComponent("missing/out.csv").path
        let unwritable = try runDnnRun(["predict", run.path, "test.csv", "-o", nowhere], in: dir)
        XCTAssertEqual(unwritable.status, 1, unwritable.stderr)
        XCTAssertTrue(unwritable.stderr.contains("-o \(nowhere): error: cannot create"), unwritable.stderr)
        XCTAssertEqual(unwritable.stdout, "")
    }
}
